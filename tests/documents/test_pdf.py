"""The PDF rendition: what a person reading it would see."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

import pytest
from pypdf import PdfReader

from adapters.sdk import DocumentStatus, Person, Photo
from services.documents.pdf import render_pdf
from tests.documents.samples import (
    driving_licence,
    marksheet,
    pan_record,
    registration,
    unknown_issuer_document,
    with_status,
)


def _text(pdf: bytes) -> str:
    reader = PdfReader(BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_marksheet_shows_issuer_title_holder_and_marks() -> None:
    doc = marksheet()

    text = _text(render_pdf(doc, uri=doc.uri))

    assert "Central Board of Secondary Education" in text
    assert "Class XII Marksheet" in text
    assert "Aarav Sharma" in text
    assert "14 March 2006" in text
    assert "Rakesh Sharma" in text
    assert "Neelam Sharma" in text
    assert "COMPUTER SCIENCE" in text
    assert "098" in text


def test_rendition_prints_the_uri_and_when_it_was_fetched() -> None:
    doc = marksheet()

    text = _text(render_pdf(doc, uri=doc.uri))

    assert "in.gov.cbse-HSCER-202426104518" in text
    assert "02 June 2025, 15:00 IST" in text


def test_rendition_prints_the_dates_of_the_document() -> None:
    doc = driving_licence()

    text = _text(render_pdf(doc, uri=doc.uri))

    assert "04 August 2016" in text
    assert "20 July 2038" in text


def test_every_page_says_it_is_issued_electronically_and_signed() -> None:
    doc = registration()

    pdf = render_pdf(doc, uri=doc.uri)

    pages = PdfReader(BytesIO(pdf)).pages
    for page in pages:
        text = page.extract_text()
        assert "Issued electronically" in text
        assert "digital signature" in text


@pytest.mark.parametrize(
    "status", [DocumentStatus.EXPIRED, DocumentStatus.REVOKED, DocumentStatus.SUSPENDED]
)
def test_document_not_active_shows_its_status_prominently(
    status: DocumentStatus,
) -> None:
    doc = with_status(driving_licence(), status)

    text = _text(render_pdf(doc, uri=doc.uri))

    assert status.name in text


def test_active_document_carries_no_warning_word() -> None:
    doc = driving_licence()

    text = _text(render_pdf(doc, uri=doc.uri))

    for word in ("EXPIRED", "REVOKED", "SUSPENDED"):
        assert word not in text


def test_licence_shows_its_classes_of_vehicle_and_the_holders_photo() -> None:
    doc = driving_licence()

    pdf = render_pdf(doc, uri=doc.uri)

    text = _text(pdf)
    assert "Motor Cycle with Gear" in text
    assert "LMV" in text
    assert len(PdfReader(BytesIO(pdf)).pages[0].images) == 1


def test_unreadable_photo_is_left_out_without_failing() -> None:
    doc = driving_licence()
    holder = replace(doc.issued_to, photo=Photo(format="PNG", content=b"not an image"))

    pdf = render_pdf(replace(doc, issued_to=holder), uri=doc.uri)

    assert "Rohan Mehta" in _text(pdf)
    assert len(PdfReader(BytesIO(pdf)).pages[0].images) == 0


def test_document_without_display_sections_shows_its_data_generically() -> None:
    doc = registration()
    assert doc.display == ()

    text = _text(render_pdf(doc, uri=doc.uri))

    assert "Vehicle registration" in text
    assert "MA3EWDE1S00718264" in text
    assert "Chasis no" in text
    assert "LTT" in text
    assert "Shivalik General Insurance Co. Ltd." in text


def test_repeated_elements_without_display_become_one_grid() -> None:
    doc = replace(driving_licence(), display=())

    text = _text(render_pdf(doc, uri=doc.uri))

    assert "Abbreviation" in text
    assert text.count("Abbreviation") == 1
    assert "MCWG" in text
    assert "LMV" in text


def test_unknown_issuers_document_renders_from_its_tree() -> None:
    doc = unknown_issuer_document()

    text = _text(render_pdf(doc, uri=doc.uri))

    assert "Birth record" in text
    assert "Navjeevan Maternity Home" in text


def test_verification_link_is_printed_when_given() -> None:
    doc = pan_record()
    url = "https://locker.example.in/verify/in.gov.pan-PANCR-AKZPK4821M"

    text = _text(render_pdf(doc, uri=doc.uri, verification_url=url))

    assert "Verify at" in text
    assert "locker.example.in/verify/" in text


def test_long_values_wrap_onto_more_lines_instead_of_being_cut() -> None:
    address = "Plot 17, " + "Near the Old Water Tank and the Panchayat Office, " * 6
    doc = marksheet(issued_to=Person(name="Aarav Sharma", father_name=address.strip()))

    text = _text(render_pdf(doc, uri=doc.uri))

    assert " ".join(text.split()).count("Panchayat Office") == 6


def test_markup_in_values_is_printed_as_text() -> None:
    doc = marksheet(issued_to=Person(name="Aarav <b>Sharma</b> & Sons"))

    text = _text(render_pdf(doc, uri=doc.uri))

    assert "Aarav <b>Sharma</b> & Sons" in text


def test_rendition_is_a4() -> None:
    doc = pan_record()

    pdf = render_pdf(doc, uri=doc.uri)

    box = PdfReader(BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
