from core.roles import MANAGER, grant


def setup(groups):
    # Managers read the 未命中查询 report to find wording missing from the compilation.
    grant(groups[MANAGER], "search.view_missedquery")
