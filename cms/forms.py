"""The admin's own forms where Wagtail's leave a label to be made from a field name."""

from wagtail.admin.forms.auth import LoginForm


class ChineseLoginForm(LoginForm):
    """Wagtail's login form names its password field only by the field name (Password)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = "密码"
