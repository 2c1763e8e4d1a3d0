from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "案件"

    def ready(self):
        from cases.models import Case
        from cms.archives.holds import register_number_lookup

        register_number_lookup(lambda number: Case.objects.filter(number=number).first())
