"""How people are named on every screen: 姓名 in Chinese order (family name first, no space)."""

from django.contrib.auth import get_user_model


def display_name(user):
    """王立新 for last_name 王 and first_name 立新; the login name only when no name is on file."""
    if user is None:
        return ""
    return f"{user.last_name}{user.first_name}".strip() or user.get_username()


def name_users_in_chinese_order():
    """Wagtail (history, locks, workflow, listings) and Django name a user by get_full_name(),
    which joins the names in Western order (立新 王), or print the login name; the user
    model answers both with display_name."""
    User = get_user_model()
    User.get_full_name = display_name
    # A given name alone is not how colleagues are named here.
    User.get_short_name = display_name
    # Choosers, select lists and reports that print a user directly show the name too.
    User.__str__ = display_name


def name_the_account_menu_in_chinese_order():
    """Wagtail's sidebar account menu prints ``first_name`` (the given name alone, 立新) or the
    login; colleagues here are named by their full 姓名 (王立新). Re-registering the sidebar
    module's adapter keeps Wagtail's menu and only changes the name it is given."""
    from wagtail.admin.telepath import register
    from wagtail.admin.ui.sidebar import BaseSidebarAdapter, MainMenuModule

    class ChineseNamedMainMenuAdapter(BaseSidebarAdapter):
        js_constructor = "wagtail.sidebar.MainMenuModule"

        def js_args(self, module):
            menu_items, account_items, account = MainMenuModule.js_args(module)
            return [menu_items, account_items, {**account, "name": display_name(module.user)}]

    register(ChineseNamedMainMenuAdapter(), MainMenuModule)
