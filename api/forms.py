from django import forms
from django.contrib.auth import get_user_model

from api.models import Scope
from api.tokens import MAX_DAYS


class TokenForm(forms.Form):
    user = forms.ModelChoiceField(
        label="令牌所属用户",
        queryset=get_user_model().objects.none(),
        help_text="接口以此用户的权限办事，与其在后台所见相同。",
    )
    name = forms.CharField(label="用途", max_length=100, help_text="如：呼叫中心系统、微信小程序")
    scopes = forms.MultipleChoiceField(
        label="权限范围", choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    days = forms.IntegerField(label="有效天数", min_value=1, max_value=MAX_DAYS, initial=90)

    def __init__(self, *args, manageable_users, **kwargs):
        kwargs.pop("instance", None)
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = manageable_users.filter(is_active=True).order_by("username")
