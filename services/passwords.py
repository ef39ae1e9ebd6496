"""What makes a password acceptable: length, and a strength estimate by zxcvbn.

No composition rules (NIST SP 800-63B): a long passphrase of plain words is
fine, a short or common password is not, and the refusal says why.
"""

from __future__ import annotations

import unicodedata

from zxcvbn import zxcvbn

from services.errors import WeakPassword

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128


def _has_control_characters(password: str) -> bool:
    return any(unicodedata.category(character) == "Cc" for character in password)


class PasswordPolicy:
    """Checks new passwords; ``min_score`` is zxcvbn's 0 (weakest) to 4."""

    def __init__(self, min_score: int) -> None:
        self.min_score = min_score

    def check(self, password: str, *, username: str = "", mobile: str = "") -> None:
        """Raise ``WeakPassword`` with the reason, or return for a good password.

        The username and mobile number count as known to an attacker.
        """
        if len(password) < PASSWORD_MIN_LENGTH:
            self._refuse(f"Use at least {PASSWORD_MIN_LENGTH} characters.")
        if len(password) > PASSWORD_MAX_LENGTH:
            self._refuse(f"Use at most {PASSWORD_MAX_LENGTH} characters.")
        if _has_control_characters(password):
            self._refuse("Use letters, digits, spaces and symbols only.")
        known = [part for part in (username, mobile) if part]
        if username and username.lower() in password.lower():
            self._refuse("Do not use your username in it.")
        digits = "".join(character for character in password if character.isdigit())
        if mobile and mobile in digits:
            self._refuse("Do not use your mobile number in it.")

        # zxcvbn refuses to estimate beyond 72 characters; the start is enough.
        estimate = zxcvbn(password[:72], user_inputs=known)
        if estimate["score"] < self.min_score:
            feedback = estimate["feedback"]
            reasons = [feedback.get("warning") or "It is easy to guess."]
            reasons += feedback.get("suggestions") or []
            self._refuse(" ".join(reason for reason in reasons if reason))

    @staticmethod
    def _refuse(reason: str) -> None:
        raise WeakPassword(f"Choose a stronger password. {reason}", field="password")
