"""What the browser tests share: signing in to the admin in Chromium as a person would,
screenshots for people to look at (var/screens/), and the check that a screen shows no
English."""

from django.conf import settings
from visible_text import english_lines

SCREENS = settings.VAR_DIR / "screens"


def sign_in(page, username, password, landing="/admin/"):
    """Sign in from the login form; ``landing`` is the screen the login sends on to."""
    page.context.clear_cookies()
    page.goto(f"/admin/login/?next={landing}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{landing}")


def screenshot(page, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    # Finished animations: a message sliding in would otherwise show as an empty banner.
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True, animations="disabled")


def assert_chinese(page):
    """What the browser shows, the sidebar, dialogs and scripts' text included."""
    english = english_lines(page.inner_text("body"))
    assert not english, f"{page.url} shows English: {english[:5]}"
