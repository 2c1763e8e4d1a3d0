"""{% reply_suggestions case %}: approved scripts for a case (its topic and description),
found by the staff search engine, for the case page."""

from django import template

from cms.replies.suggestions import scripts_for_case

register = template.Library()


@register.inclusion_tag("replies/suggestions.html")
def reply_suggestions(case, limit=5):
    return {"scripts": scripts_for_case(case, limit)}
