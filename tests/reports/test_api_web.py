# SPDX-License-Identifier: GPL-3.0-or-later
"""Reports over HTTP: the API returns the documents, the /reports page links them."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from demine.domain.vocab import Role
from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from demine.store.users import add_user, create_token
from tests.reports.document import parse

PASSWORD = "reports are for everyone"


@pytest.fixture(scope="module")
def clients(demo_db: Database) -> Iterator[dict[str, TestClient]]:
    user = add_user(demo_db, "report_viewer", PASSWORD, Role.VIEWER, None)
    token = create_token(demo_db, user.id, "reports")
    app = create_app(Settings(database_url=demo_db.url, secret_key="k"), demo_db)
    with (
        TestClient(app, headers={"Authorization": f"Bearer {token}"}) as api,
        TestClient(app) as browser,
        TestClient(app) as anonymous,
    ):
        login = browser.post(
            "/api/v1/login", json={"username": "report_viewer", "password": PASSWORD}
        )
        assert login.status_code == 200
        yield {"api": api, "browser": browser, "anonymous": anonymous}


def test_api_returns_the_html_document(clients: dict[str, TestClient]) -> None:
    response = clients["api"].get(
        "/api/v1/reports/treaty", params={"period": "2024", "format": "html"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert (
        'filename="demine-treaty-2024.html"' in response.headers["content-disposition"]
    )
    document = parse(response.text)
    assert document.sections[0] == "form_c"
    assert document.figure("form_g.destroyed") > 0


def test_api_returns_the_pdf_as_a_download(clients: dict[str, TestClient]) -> None:
    response = clients["api"].get(
        "/api/v1/reports/donor",
        params={"period": "2024", "donor": "UK", "format": "pdf"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("path", "params", "status", "says"),
    [
        ("/api/v1/reports/annual", {"period": "2024"}, 422, "unknown report"),
        ("/api/v1/reports/national", {"period": "2024-99"}, 422, "is not a date"),
        ("/api/v1/reports/national", {"period": "2024", "format": "docx"}, 422, "pdf"),
        (
            "/api/v1/reports/donor",
            {"period": "2024", "donor": "Nobody"},
            422,
            "unknown",
        ),
        ("/api/v1/reports/national", {}, 422, "period"),
    ],
)
def test_api_refuses_bad_requests_with_the_reason(
    clients: dict[str, TestClient],
    path: str,
    params: dict[str, str],
    status: int,
    says: str,
) -> None:
    response = clients["api"].get(path, params=params)
    assert response.status_code == status
    assert says in response.json()["error"]


def test_anonymous_users_must_log_in(clients: dict[str, TestClient]) -> None:
    response = clients["anonymous"].get("/api/v1/reports/national?period=2024")
    assert response.status_code == 401
    page = clients["anonymous"].get("/reports", follow_redirects=False)
    assert page.status_code == 303


def test_reports_page_offers_the_report_and_its_pdf(
    clients: dict[str, TestClient],
) -> None:
    browser = clients["browser"]
    empty = browser.get("/reports")
    assert empty.status_code == 200
    assert "European Union" in empty.text  # donors to choose from
    page = browser.get(
        "/reports", params={"kind": "donor", "period": "2024", "donor": "Japan"}
    )
    assert page.status_code == 200
    links = {
        m[0]: html.unescape(m[1])
        for m in re.findall(r'id="report-(pdf|html)"\s+href="([^"]+)"', page.text)
    }
    frame = re.search(r'<iframe id="report-preview"[^>]*src="([^"]+)"', page.text)
    assert frame is not None
    assert html.unescape(frame[1]) == links["html"]
    pdf = browser.get(links["pdf"])
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    document = browser.get(links["html"])
    assert "Donor report 2024: Japan" in document.text


def test_reports_page_says_why_a_report_cannot_be_made(
    clients: dict[str, TestClient],
) -> None:
    page = clients["browser"].get(
        "/reports", params={"kind": "treaty", "period": "2040"}
    )
    assert page.status_code == 422
    assert "no approved records dated in 2040" in page.text
    assert 'id="report-pdf"' not in page.text
