from django.apps import AppConfig


class RepliesConfig(AppConfig):
    name = "cms.replies"
    label = "replies"
    verbose_name = "回复口径"
