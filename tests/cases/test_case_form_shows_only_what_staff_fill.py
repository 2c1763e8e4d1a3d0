"""The case form carries the version it was read at without showing it: staff taking a
call see no empty required section called 版本 under the intake."""

import pytest
from visible_text import visible_text


@pytest.mark.django_db
def test_no_empty_version_section_on_the_intake(client, staff):
    client.force_login(staff)
    html = client.get("/admin/cases/new/").content.decode()
    assert "版本" not in visible_text(html)
    assert 'type="hidden" name="version"' in html
