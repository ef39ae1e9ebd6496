"""The CBSE result gazette: reading the board's text, and the sample gazettes."""

from __future__ import annotations

import re
from datetime import date

import pytest

from adapters.builtin.cbse import (
    GazetteParseError,
    GazetteTotalsError,
    Result,
    parse_gazette,
)
from adapters.builtin.cbse.adapter import DATA_DIR

HEADER = (
    "DATE:- 13/05/2024       CENTRAL BOARD OF SECONDARY EDUCATION       PAGE:- {page}",
    "          ALL INDIA SENIOR SCHOOL CERTIFICATE EXAMINATION (MAIN)-2024",
    "                                              REGION: {region}",
    "                    (SCHOOL / ROLL NO WISE GAZETTE)",
    "-" * 90,
    "ROLL NO  SEX CNAME            SUB1    SUB2    SUB3    SUB4    SUB5    SUB6    "
    "IG1 IG2 IG3  RESULT",
    "                              MRK GR  MRK GR  MRK GR  MRK GR  MRK GR  MRK GR",
    "-" * 90,
)
SCHOOL = "SCHOOL : - 27041 SARVODAYA VIDYA NIKETAN DELHI"
PASSED = (
    "16600001  M ROHIT KUMAR      301     041     042     043     083             "
    "A1  A1  A1   PASS",
    "                             088 A2  092 A1  085 A2  081 A2  095 A1",
)
COMPARTMENT = (
    "16600002  F SIMRAN KAUR      301     041     042     043     048             "
    "A2  A1  A2   COMP 041",
    "                             078 B1  024 D2  064 B2  070 B2  085 A2",
)
REPEAT = (
    "16600003  M KUNAL JAIN       301     041     042     043     083             "
    "B1  B2  A2   ESSENTIAL REPEAT",
    "                             072 B1  018 E   022 D2  025 D2  040 D1",
)
ABSENT = (
    "16600004  M FARHAN ALI       301     054     055     030     048             "
    "             ABST",
    "                             ABS     ABS     ABS     ABS     ABS",
)


def totals(candidates: int, passed: int, comp: int, repeat: int, absent: int) -> str:
    return (
        f"TOTAL CANDIDATES : {candidates}   TOTAL PASS : {passed}   TOTAL COMPTT. : "
        f"{comp}   TOTAL ESSENTIAL REPEAT : {repeat}   TOTAL ABSENT : {absent}"
    )


ALL_KINDS_TOTAL = totals(4, 1, 1, 1, 1)


def page(number: int, *lines: str, region: str = "DELHI EAST") -> list[str]:
    """A gazette page: the header, then ``lines``."""
    header = [line.format(page=number, region=region) for line in HEADER]
    return header + list(lines)


def gazette(*pages: list[str], ending: str = "\r\r") -> bytes:
    """A gazette file: pages split by form-feed lines, closed with Ctrl-Z."""
    lines: list[str] = []
    for index, lines_of_page in enumerate(pages):
        if index:
            lines.append("\f")
        lines.extend(lines_of_page)
    return (ending.join(lines) + ending + "\x1a").encode("ascii")


def one_page(*lines: str) -> bytes:
    return gazette(page(1, *lines))


# Reading the gazette


@pytest.mark.parametrize(
    "ending", ["\r\r", "\n", "\r\n", "\r\n\r\n\n"], ids=["CRCR", "LF", "CRLF", "runs"]
)
def test_parser_reads_every_line_ending_style_alike(ending: str) -> None:
    data = gazette(page(1, SCHOOL, *PASSED, *COMPARTMENT, totals(2, 1, 1, 0, 0)))

    parsed = parse_gazette(data.replace(b"\r\r", ending.encode()), source="t.txt")

    assert list(parsed.candidates) == ["16600001", "16600002"]
    assert parsed.candidates["16600002"].compartment_subjects == ("041",)


def test_parser_reads_a_mix_of_line_endings_and_blank_lines() -> None:
    lines = [*page(1, SCHOOL, *PASSED), "   ", totals(1, 1, 0, 0, 0)]
    endings = ["\r\r", "\n", "\r\n", "\n\n"]
    text = "".join(
        line + endings[index % len(endings)] for index, line in enumerate(lines)
    )

    parsed = parse_gazette(text + "\x1a")

    assert parsed.candidates["16600001"].name == "ROHIT KUMAR"


def test_parser_reads_the_page_header() -> None:
    data = one_page(SCHOOL, *PASSED, totals(1, 1, 0, 0, 0))

    parsed = parse_gazette(data)

    assert parsed.exam_class == "XII"
    assert parsed.year == 2024
    assert parsed.result_date == date(2024, 5, 13)
    assert parsed.candidates["16600001"].region == "DELHI EAST"
    assert parsed.candidates["16600001"].school.code == "27041"
    assert parsed.candidates["16600001"].school.name == "SARVODAYA VIDYA NIKETAN DELHI"


def test_parser_accepts_a_date_written_with_dashes() -> None:
    data = one_page(SCHOOL, *PASSED, totals(1, 1, 0, 0, 0))

    parsed = parse_gazette(data.replace(b"13/05/2024", b"13-05-2024"))

    assert parsed.result_date == date(2024, 5, 13)


def test_parser_reads_candidates_on_every_page() -> None:
    data = gazette(
        page(1, SCHOOL, *PASSED),
        page(2, *COMPARTMENT, region="DELHI WEST"),
        page(3, "SCHOOL : - 27118 SHIVALIK SCHOOL DELHI", *REPEAT, *ABSENT),
        page(4, ALL_KINDS_TOTAL),
    )

    parsed = parse_gazette(data)

    assert len(parsed.candidates) == 4
    assert parsed.candidates["16600002"].region == "DELHI WEST"
    assert parsed.candidates["16600002"].school.code == "27041"
    assert parsed.candidates["16600003"].school.code == "27118"


def test_parser_joins_a_candidate_split_by_a_page_break() -> None:
    data = gazette(
        page(1, SCHOOL, *PASSED, COMPARTMENT[0]),
        page(2, COMPARTMENT[1], totals(2, 1, 1, 0, 0)),
    )

    parsed = parse_gazette(data)

    simran = parsed.candidates["16600002"]
    assert simran.name == "SIMRAN KAUR"
    assert [subject.mark for subject in simran.subjects] == [78, 24, 64, 70, 85]


def test_parser_reads_every_result_kind() -> None:
    data = one_page(SCHOOL, *PASSED, *COMPARTMENT, *REPEAT, *ABSENT, ALL_KINDS_TOTAL)

    parsed = parse_gazette(data)

    results = {roll: entry.result for roll, entry in parsed.candidates.items()}
    assert results == {
        "16600001": Result.PASS,
        "16600002": Result.COMPARTMENT,
        "16600003": Result.ESSENTIAL_REPEAT,
        "16600004": Result.ABSENT,
    }
    farhan = parsed.candidates["16600004"]
    assert all(subject.mark is None for subject in farhan.subjects)
    assert farhan.internal_grades == ()
    rohit = parsed.candidates["16600001"]
    assert [grade.code for grade in rohit.internal_grades] == ["500", "502", "503"]
    assert parsed.totals.absent == 1


def test_parser_reads_a_class_x_candidate_with_seven_subjects() -> None:
    data = (
        one_page(
            SCHOOL,
            "11852610  F TANVI SAXENA      184    002    041    086    087    122    "
            "402     PASS",
            "                              079 B1 088 A2 074 B1 069 B2 081 A2 090 A2 "
            "086 A2",
            totals(1, 1, 0, 0, 0),
        )
        .replace(b"ALL INDIA SENIOR SCHOOL CERTIFICATE", b"ALL INDIA SECONDARY SCHOOL")
        .replace(b"2024\r\r", b"2022\r\r")
    )

    parsed = parse_gazette(data)

    assert parsed.exam_class == "X"
    assert parsed.year == 2022
    tanvi = parsed.candidates["11852610"]
    assert [subject.code for subject in tanvi.subjects][-1] == "402"
    assert tanvi.subjects[-1].mark == 86
    assert tanvi.internal_grades == ()


def test_parser_ignores_what_follows_ctrl_z() -> None:
    data = one_page(SCHOOL, *PASSED, totals(1, 1, 0, 0, 0)) + b"GARBAGE\r\r"

    parsed = parse_gazette(data)

    assert list(parsed.candidates) == ["16600001"]


def test_parser_refuses_totals_that_disagree_with_the_candidates() -> None:
    data = one_page(SCHOOL, *PASSED, *COMPARTMENT, totals(3, 2, 1, 0, 0))

    with pytest.raises(GazetteTotalsError) as raised:
        parse_gazette(data, source="gazette-XII-2024.txt")

    message = str(raised.value)
    assert "gazette-XII-2024.txt, line 14" in message
    assert "counts 3 candidates (2 pass" in message
    assert "lists 2 candidates (1 pass, 1 compartment" in message


MALFORMED = [
    ("1660001  M ROHIT KUMAR  301  088", 10, "a roll number has 8 digits"),
    (PASSED[0].replace("  M ", "  X "), 10, "not M or F"),
    (PASSED[0].replace("PASS", "PASSED"), 10, "'PASSED' is not PASS, COMP"),
    (COMPARTMENT[0].replace("COMP 041", "COMP 044"), 10, "044, which the"),
    (PASSED[0].replace("A1  A1  A1", "A1  A1"), 10, "3 internal grades, this one 2"),
    ("HELLO WORLD", 10, "not a line of a CBSE result gazette"),
    ("SCHOOL : - 2704 SARVODAYA", 10, "5-digit school code"),
]


@pytest.mark.parametrize(("line", "number", "complaint"), MALFORMED)
def test_parser_refuses_a_malformed_candidate_line_naming_it(
    line: str, number: int, complaint: str
) -> None:
    data = one_page(SCHOOL, line, PASSED[1], totals(1, 1, 0, 0, 0))

    with pytest.raises(GazetteParseError) as raised:
        parse_gazette(data, source="g.txt")

    assert raised.value.line == number
    assert f"g.txt, line {number}: " in str(raised.value)
    assert complaint in str(raised.value)


@pytest.mark.parametrize(
    ("marks", "complaint"),
    [
        ("088 A2  092 A1  085 A2  081 A2", "does not hold one mark and grade"),
        ("088 A2  092 A1  085 A2  081 A2  095", "the mark 095 has no grade"),
        ("088 A2  092 A1  085 A2  081 A2  195 A1", "'195' is not a mark out of 100"),
        ("088 A2  092 Z9  085 A2  081 A2  095 A1", "the mark 092 has no grade"),
        ("ABS     ABS     ABS     ABS     ABS", "PASS, which does not fit"),
    ],
)
def test_parser_refuses_a_malformed_marks_line(marks: str, complaint: str) -> None:
    data = one_page(SCHOOL, PASSED[0], " " * 29 + marks, totals(1, 1, 0, 0, 0))

    with pytest.raises(GazetteParseError) as raised:
        parse_gazette(data)

    assert raised.value.line == 11
    assert complaint in str(raised.value)


def test_parser_refuses_a_candidate_without_marks_line() -> None:
    data = one_page(SCHOOL, PASSED[0], *COMPARTMENT, totals(2, 1, 1, 0, 0))

    with pytest.raises(GazetteParseError, match="line 10: candidate 16600001 has no"):
        parse_gazette(data)


def test_parser_refuses_a_gazette_without_its_total_line() -> None:
    data = one_page(SCHOOL, *PASSED)

    with pytest.raises(GazetteParseError, match="ends without its TOTAL"):
        parse_gazette(data)


def test_parser_refuses_text_after_the_total_line() -> None:
    data = one_page(SCHOOL, *PASSED, totals(1, 1, 0, 0, 0), *COMPARTMENT)

    with pytest.raises(GazetteParseError, match="line 13: text follows the closing"):
        parse_gazette(data)


def test_parser_refuses_a_missing_page() -> None:
    data = gazette(page(1, SCHOOL, *PASSED), page(3, totals(1, 1, 0, 0, 0)))

    with pytest.raises(GazetteParseError, match="page 3 follows page 1"):
        parse_gazette(data)


def test_parser_refuses_a_page_header_without_region() -> None:
    data = one_page(SCHOOL, *PASSED, totals(1, 1, 0, 0, 0))
    data = data.replace(b"REGION: DELHI EAST", b"")

    with pytest.raises(GazetteParseError, match=r"line 9: .* lacks REGION:"):
        parse_gazette(data)


def test_parser_refuses_pages_of_another_examination() -> None:
    second = [line.replace("(MAIN)-2024", "(MAIN)-2023") for line in page(2)]
    data = gazette(page(1, SCHOOL, *PASSED), [*second, totals(1, 1, 0, 0, 0)])

    with pytest.raises(GazetteParseError, match="page 2 is for Class XII 2023"):
        parse_gazette(data)


def test_parser_refuses_bytes_that_are_not_ascii() -> None:
    data = one_page(SCHOOL, *PASSED, totals(1, 1, 0, 0, 0)).replace(
        b"ROHIT", "RÖHIT".encode()
    )

    with pytest.raises(GazetteParseError, match="line 10: the gazette is ASCII"):
        parse_gazette(data)


# The sample data


def line_breaks(data: bytes) -> set[bytes]:
    """The distinct runs of CR and LF that end the lines of ``data``."""
    return set(re.findall(rb"[\r\n]+", data))


def test_sample_gazettes_keep_the_boards_line_endings() -> None:
    raw = {path.name: path.read_bytes() for path in DATA_DIR.glob("gazette-*.txt")}

    breaks = {name: line_breaks(data) for name, data in raw.items()}

    assert breaks["gazette-XII-2024.txt"] == {b"\r\r"}
    assert breaks["gazette-XII-2010.txt"] == {b"\r\r"}
    assert breaks["gazette-XII-2023.txt"] == {b"\n"}
    assert breaks["gazette-XII-2013.txt"] == {b"\n"}
    assert breaks["gazette-X-2022.txt"] == {b"\r\n"}
    assert breaks["gazette-XII-2016.txt"] == {b"\r\n"}
    assert b"\r\r" in raw["gazette-X-2023.txt"]
    assert b"\n" in raw["gazette-X-2023.txt"]
    for data in raw.values():
        assert data.endswith(b"\x1a")
        assert data.count(b"\f") >= 2


def test_sample_gazettes_cover_two_schools_and_every_result() -> None:
    gazettes = [
        parse_gazette(path.read_bytes(), source=path.name)
        for path in sorted(DATA_DIR.glob("gazette-*.txt"))
    ]

    assert {(parsed.exam_class, parsed.year) for parsed in gazettes} == {
        ("X", 2022),
        ("X", 2023),
        ("XII", 2010),
        ("XII", 2013),
        ("XII", 2016),
        ("XII", 2023),
        ("XII", 2024),
    }
    for parsed in gazettes:
        schools = {entry.school.code for entry in parsed.candidates.values()}
        assert len(schools) >= 2, parsed.source
    everyone = [entry for parsed in gazettes for entry in parsed.candidates.values()]
    assert {entry.result for entry in everyone} == set(Result)


def test_sample_gazettes_of_earlier_years_read_their_own_headers() -> None:
    years = {
        "gazette-XII-2010.txt": (date(2010, 5, 24), {"ALLAHABAD"}),
        "gazette-XII-2013.txt": (date(2013, 5, 27), {"PUNE"}),
        "gazette-XII-2016.txt": (date(2016, 5, 21), {"PUNE"}),
    }

    parsed = {
        name: parse_gazette((DATA_DIR / name).read_bytes(), source=name)
        for name in years
    }

    for name, (result_date, regions) in years.items():
        assert parsed[name].result_date == result_date
        assert {entry.region for entry in parsed[name].candidates.values()} == regions
        assert 5 <= parsed[name].totals.candidates <= 7


@pytest.mark.parametrize(
    ("file_name", "roll", "result", "marks"),
    [
        (
            "gazette-XII-2024.txt",
            "16612347",
            Result.ESSENTIAL_REPEAT,
            [72, 18, 22, 25, 40],
        ),
        ("gazette-XII-2013.txt", "63457306", Result.COMPARTMENT, [74, 29, 57, 61, 80]),
    ],
)
def test_sample_candidate_split_by_a_page_break_is_read_whole(
    file_name: str, roll: str, result: Result, marks: list[int]
) -> None:
    path = DATA_DIR / file_name

    parsed = parse_gazette(path.read_bytes(), source=path.name)

    candidate = parsed.candidates[roll]
    assert candidate.result is result
    assert [subject.mark for subject in candidate.subjects] == marks
