"""The Central Board of Secondary Education (``in.gov.cbse``): Class X and XII
marksheets read from the board's result gazettes and candidates lists.
"""

from adapters.builtin.cbse.adapter import CbseAdapter, CbseDataError
from adapters.builtin.cbse.candidates import CandidateListError
from adapters.builtin.cbse.gazette import parse_gazette
from adapters.builtin.cbse.records import (
    CandidateResult,
    Gazette,
    GazetteParseError,
    GazetteTotalsError,
    Result,
)

__all__ = [
    "CandidateListError",
    "CandidateResult",
    "CbseAdapter",
    "CbseDataError",
    "Gazette",
    "GazetteParseError",
    "GazetteTotalsError",
    "Result",
    "parse_gazette",
]
