"""Signing in to the admin in Chromium, as a person would; shared by the browser tests."""


def sign_in(page, username, password):
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
