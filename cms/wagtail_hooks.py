from wagtail import hooks
from wagtail.admin.ui.components import Component


class WelcomePanel(Component):
    """The first panel of the dashboard: who is signed in and in which roles."""

    name = "welcome"
    order = 10
    template_name = "cms/welcome_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        return {
            "user": self.user,
            "roles": [group.name for group in self.user.groups.all()],
        }


@hooks.register("construct_homepage_panels")
def add_welcome_panel(request, panels):
    panels.insert(0, WelcomePanel(request.user))
