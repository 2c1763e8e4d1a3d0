"""{% reply_suggestions case.topic %}: the approved scripts for a case's topic, for the case page."""

from django import template

from cms.replies.models import ReplyScript

register = template.Library()


@register.inclusion_tag("replies/suggestions.html")
def reply_suggestions(topic, limit=5):
    return {
        "scripts": ReplyScript.objects.approved_for_topic(topic).select_related("topic")[:limit]
    }
