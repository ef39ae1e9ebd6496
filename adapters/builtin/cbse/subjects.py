"""CBSE subject codes, their names, and how a percentage is worked out.

A subject code means different things in the two classes (``002`` is Hindi
Elective in Class XII but Hindi Course-A in Class X), so each class has its own
table. Codes are the board's; names are as the marksheet prints them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal


class ExamClass(enum.StrEnum):
    """The two board examinations: Class X (secondary) and Class XII (senior)."""

    X = "X"
    XII = "XII"


CLASS_XII_SUBJECTS: Mapping[str, str] = {
    "001": "English Elective",
    "002": "Hindi Elective",
    "027": "History",
    "028": "Political Science",
    "029": "Geography",
    "030": "Economics",
    "037": "Psychology",
    "039": "Sociology",
    "041": "Mathematics",
    "042": "Physics",
    "043": "Chemistry",
    "044": "Biology",
    "048": "Physical Education",
    "049": "Painting",
    "054": "Business Studies",
    "055": "Accountancy",
    "064": "Home Science",
    "065": "Informatics Practices",
    "083": "Computer Science",
    "241": "Applied Mathematics",
    "301": "English Core",
    "302": "Hindi Core",
    "322": "Sanskrit Core",
    "500": "Work Experience",
    "502": "Health & Physical Education",
    "503": "General Studies",
}

CLASS_X_SUBJECTS: Mapping[str, str] = {
    "002": "Hindi Course-A",
    "018": "French",
    "041": "Mathematics Standard",
    "064": "Home Science",
    "085": "Hindi Course-B",
    "086": "Science",
    "087": "Social Science",
    "122": "Sanskrit",
    "165": "Computer Applications",
    "184": "English Language and Literature",
    "241": "Mathematics Basic",
    "402": "Information Technology",
    "417": "Artificial Intelligence",
}

# The language subjects of each class: one of them always counts in the best five.
LANGUAGE_SUBJECTS: Mapping[ExamClass, frozenset[str]] = {
    ExamClass.XII: frozenset({"001", "002", "301", "302", "322"}),
    ExamClass.X: frozenset({"002", "018", "085", "122", "184"}),
}

MARKS_MAX_PER_SUBJECT = 100
BEST_OF = 5

_TABLES: Mapping[ExamClass, Mapping[str, str]] = {
    ExamClass.XII: CLASS_XII_SUBJECTS,
    ExamClass.X: CLASS_X_SUBJECTS,
}


def subject_name(exam_class: ExamClass, code: str) -> str:
    """The subject's name; ``KeyError`` naming the code when the board has none."""
    try:
        return _TABLES[exam_class][code]
    except KeyError:
        raise KeyError(f"CBSE has no Class {exam_class} subject {code}") from None


def best_five(exam_class: ExamClass, marks: Mapping[str, int]) -> tuple[str, ...]:
    """The codes of the subjects a percentage is worked out over.

    The rule universities and the board's own "best five" use: the candidate's
    highest-scoring language, then the four highest marks among all the other
    subjects (a second language included). A candidate with five subjects or
    fewer counts them all. Ties keep the gazette's order, so the choice is stable.
    """
    if len(marks) <= BEST_OF:
        return tuple(marks)

    order = list(marks)
    languages = [code for code in order if code in LANGUAGE_SUBJECTS[exam_class]]
    chosen: list[str] = []
    if languages:
        chosen.append(max(languages, key=lambda code: marks[code]))
    others = sorted(
        (code for code in order if code not in chosen),
        key=lambda code: (-marks[code], order.index(code)),
    )
    chosen.extend(others[: BEST_OF - len(chosen)])

    return tuple(code for code in order if code in chosen)


def percentage(total: int, maximum: int) -> str:
    """``total`` out of ``maximum`` in percent, two decimals, rounded half up."""
    if maximum <= 0:
        raise ValueError("a percentage needs a positive maximum")
    value = Decimal(total) * 100 / Decimal(maximum)

    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
