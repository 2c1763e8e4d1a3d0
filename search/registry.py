"""The searchable kinds, declared by the domains that own them.

search/ knows no domain model: each app (reply scripts, cases, archives) has a
small ``search_document`` module with a SearchKind subclass and calls
``register()``; search/apps.py imports those modules when Django starts.
"""

from django.urls import reverse

_KINDS = {}
# Stands for the object id in a kind's resolved open URL.
_ANY_ID = "999999999999"


class SearchKind:
    """How one kind of thing becomes a search document and who may see its hits."""

    name = ""
    label = ""
    index_base = ""
    #: Other models whose change alters this kind's documents: {"app.Model": ids_of(instance)}.
    dependents = {}

    def model(self):
        raise NotImplementedError

    def indexable(self):
        return self.model()._default_manager.all()

    def prepared(self, objects):
        """A batch of rows made ready for fields(), e.g. with related rows attached."""
        return list(objects)

    def fields(self, obj):
        """The document as plain original text and values (search/indices.py analyses it),
        or None when the row is not to be searchable."""
        raise NotImplementedError

    def open_url(self, object_id):
        return self._open_url_pattern().replace(_ANY_ID, str(object_id))

    def _open_url_pattern(self):
        # Resolved once per kind: reindexing asks for tens of thousands of these.
        if self.__dict__.get("_open_url") is None:
            self._open_url = reverse("search:open", args=[self.name, _ANY_ID])
        return self._open_url

    def allowed_for(self, user):
        """Whether ``user`` may search this kind at all (active staff accounts)."""
        return bool(user and user.is_authenticated and user.is_active)

    def visible_filter(self, user):
        """An Elasticsearch filter limiting this kind's hits to what ``user`` may read."""
        raise NotImplementedError

    def open(self, request, object_id):
        """The response for a clicked hit, after asking the owning area's policy again."""
        raise NotImplementedError

    def load_evaluation_set(self, scripts):
        """Saved rows made from the scripts of the shipped caller set (search/evaluation.py),
        as {number in the set: row}; only kinds the set measures have them."""
        raise NotImplementedError


def register(kind):
    _KINDS[kind.name] = kind
    return kind


def kinds():
    return list(_KINDS.values())


def get_kind(name):
    return _KINDS.get(name)


def ids_filter(kind_name, ids):
    """A filter for the hits of one kind among the given object ids."""
    return {
        "bool": {
            "filter": [
                {"term": {"kind": kind_name}},
                {"terms": {"object_id": [str(pk) for pk in ids]}},
            ]
        }
    }
