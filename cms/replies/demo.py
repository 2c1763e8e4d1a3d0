"""Demo reply scripts (approved by the demo manager) and search synonyms."""

from django.contrib.auth import get_user_model

from cases.models import CaseTopic
from cms.replies.actions import publish_script, topic_from_path
from cms.replies.demo_data import CASE_TOPICS, SCRIPTS, SYNONYMS, TOPICS
from cms.replies.models import ReplyScript
from core.roles import MANAGER
from search.models import SynonymGroup


def load(groups, stdout):
    manager = get_user_model().objects.filter(groups=groups[MANAGER]).first()
    parents = {child: parent for parent, children in TOPICS.items() for child in children}
    created = 0
    for entry in SCRIPTS:
        topic, question = entry[:2]
        if ReplyScript.objects.filter(question=question).exists():
            continue
        script = demo_script(entry, topic_from_path(f"{parents[topic]}/{topic}"))
        script.case_topics.set(CaseTopic.objects.filter(name__in=CASE_TOPICS.get(topic, [])))
        publish_script(script, manager)
        created += 1
    for terms, note in SYNONYMS:
        SynonymGroup.objects.get_or_create(terms=terms, defaults={"note": note})
    if created:
        stdout.write(f"回复口径演示数据：新增 {created} 条")


def demo_script(entry, topic, **state):
    """One demo script as an unsaved object under `topic`; `state` adds how it stands (approved…)."""
    _, question, answer, spoken, keywords, basis, dos, donts = entry
    return ReplyScript(
        question=question,
        answer=f"<p>{answer}</p>",
        spoken=spoken,
        topic=topic,
        keywords=keywords,
        legal_basis=basis,
        dos=dos,
        donts=donts,
        **state,
    )
