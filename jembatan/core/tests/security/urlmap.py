"""Every URL pattern of the project, by name, and how to fill in its parameters.

``PARAMS`` maps a pattern name to {URL parameter: key in World.args[tenant]}; parameters
not listed use the key of the same name. A pattern missing here fails the sweeps.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

# Parts of the URL space that are not the project's own views.
SKIPPED_PREFIXES = ("admin/",)


def all_patterns() -> dict[str, str]:
    """name -> route, for every named pattern outside the skipped prefixes."""
    found: dict[str, str] = {}

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = namespace + (f"{entry.namespace}:" if entry.namespace else "")
                walk(entry, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                if route.startswith(SKIPPED_PREFIXES):
                    continue
                name = namespace + (entry.name or f"<unnamed {route}>")
                found[name] = route

    walk(get_resolver(), "", "")
    return found


PK = "pk"
PARAMS: dict[str, dict[str, str]] = {
    "sites:content_detail": {"slug": "slug:content_detail"},
    "forums:detail": {"slug": "slug:forum"},
    "forums:manage": {"slug": "slug:forum"},
    "forums:edit": {"slug": "slug:forum"},
    "forums:pengurus_end": {"slug": "slug:forum", PK: "pk:forum_pengurus"},
    "sites:manage_content_edit": {PK: "pk:manage_content_edit"},
    "sites:manage_content_delete": {PK: "pk:manage_content_delete"},
    "sites:post_detail": {"slug": "slug:post_detail"},
    "sites:comment_submit": {"slug": "slug:post_detail"},
    "sites:comment_report": {"slug": "slug:post_detail", PK: "pk:comment"},
    "sites:manage_comment_action": {PK: "pk:comment"},
    "sites:manage_photo_delete": {PK: "pk:photo"},
    "sites:manage_category_delete": {PK: "pk:category"},
    "sites:manage_post_edit": {PK: "pk:post"},
    "sites:manage_post_action": {PK: "pk:post"},
    "sites:manage_post_restore": {PK: "pk:post"},
    "dissemination:detail": {"slug": "slug:info"},
    "dissemination:short_link": {"code": "code:share"},
    "dissemination:manage_edit": {PK: "pk:info"},
    "dissemination:manage_publish": {PK: "pk:info"},
    "dissemination:manage_withdraw": {PK: "pk:info"},
    "dissemination:manage_reach": {PK: "pk:info"},
    "dissemination:manage_nudge": {PK: "pk:info"},
    "dissemination:manage_answer": {PK: "pk:info"},
    "dissemination:inbox_item": {PK: "pk:info"},
    "dissemination:inbox_republish": {PK: "pk:info"},
    "dissemination:inbox_share": {PK: "pk:info"},
    "dissemination:inbox_share_to": {PK: "pk:info"},
    "dissemination:inbox_feedback": {PK: "pk:info"},
    "aspirations:track_detail": {"code": "code:aspiration"},
    "aspirations:follow_up": {"code": "code:aspiration"},
    "aspirations:my_data": {"code": "code:aspiration"},
    "aspirations:my_data_json": {"code": "code:aspiration"},
    "aspirations:submitted": {"code": "code:aspiration"},
    "aspirations:respond": {"code": "code:aspiration"},
    "aspirations:manage_category_edit": {PK: "pk:case_category"},
    "aspirations:manage_detail": {"code": "code:aspiration"},
    "aspirations:manage_action": {"code": "code:aspiration"},
    "aspirations:manage_take": {"code": "code:aspiration"},
    "aspirations:manage_extend": {"code": "code:aspiration"},
    "aspirations:manage_merge": {"code": "code:aspiration"},
    "aspirations:manage_unmerge": {"code": "code:aspiration"},
    "aspirations:manage_comment": {"code": "code:aspiration"},
    "aspirations:manage_export": {"code": "code:aspiration"},
    "aspirations:manage_nudge": {"code": "code:aspiration"},
    "aspirations:manage_flag": {"code": "code:aspiration"},
    "aspirations:manage_flag_resolve": {"code": "code:aspiration"},
    "aspirations:manage_file": {"code": "code:aspiration", PK: "pk:answer_file"},
    "aspirations:answer_file": {"code": "code:aspiration", PK: "pk:answer_file"},
    "literacy:training": {PK: "pk:training"},
    "literacy:training_calendar": {PK: "pk:training"},
    "literacy:certificate_rename": {"code": "code:certificate"},
    "sites:event_calendar": {"slug": "slug:event"},
    "literacy:register": {PK: "pk:training"},
    "literacy:unregister": {PK: "pk:training"},
    "literacy:module": {PK: "pk:module"},
    "literacy:quiz": {PK: "pk:module"},
    "literacy:module_download": {PK: "pk:module"},
    "literacy:lesson": {PK: "pk:lesson"},
    "literacy:lesson_file": {PK: "pk:lesson"},
    "literacy:certificate": {"code": "code:certificate"},
    "literacy:certificate_pdf": {"code": "code:certificate"},
    "literacy:manage_training": {PK: "pk:training"},
    "literacy:training_edit": {PK: "pk:training"},
    "literacy:training_action": {PK: "pk:training"},
    "literacy:check_in": {PK: "pk:training"},
    "literacy:manage_module": {PK: "pk:module"},
    "literacy:lesson_edit": {PK: "pk:lesson"},
    "literacy:lesson_delete": {PK: "pk:lesson"},
    "literacy:question_delete": {PK: "pk:quiz"},
    "disclosure:body": {PK: "pk:body"},
    "disclosure:document_download": {PK: "pk:document"},
    "disclosure:manage_documents": {PK: "pk:body"},
    "disclosure:manage_body_superior": {PK: "pk:body"},
    "disclosure:manage_document_create": {PK: "pk:body"},
    "disclosure:manage_document": {PK: "pk:document"},
    "disclosure:manage_document_delete": {PK: "pk:document"},
    "disclosure:manage_document_file": {PK: "pk:document"},
    "disclosure:manage_objection": {"number": "number:objection"},
    "dialogue:consultation": {"slug": "slug:consultation"},
    "dialogue:paragraph": {"slug": "slug:consultation", PK: "pk:paragraph"},
    "dialogue:vote": {"slug": "slug:consultation", PK: "pk:dialogue_comment"},
    "dialogue:report_page": {"slug": "slug:consultation"},
    "dialogue:report": {"kind": "kind:dialogue", PK: "pk:dialogue_comment"},
    "dialogue:poll": {"slug": "slug:poll"},
    "dialogue:poll_results": {"slug": "slug:poll"},
    "dialogue:thread": {"slug": "slug:thread"},
    "dialogue:manage_consultation": {PK: "pk:consultation"},
    "dialogue:manage_consultation_publish": {PK: "pk:consultation"},
    "dialogue:manage_section_respond": {PK: "pk:consultation"},
    "dialogue:manage_report_publish": {PK: "pk:consultation"},
    "dialogue:manage_consultation_export": {PK: "pk:consultation"},
    "dialogue:manage_poll": {PK: "pk:poll"},
    "dialogue:manage_poll_publish": {PK: "pk:poll"},
    "dialogue:manage_question_delete": {PK: "pk:poll"},
    "dialogue:manage_poll_export": {PK: "pk:poll"},
    "dialogue:manage_paper": {PK: "pk:poll"},
    "dialogue:manage_thread_lock": {PK: "pk:thread"},
    "dialogue:manage_disseminate": {"kind": "kind:disseminate", PK: "pk:consultation"},
    "dialogue:moderation_unblock": {PK: "pk:block"},
    "dialogue:moderation_action": {"kind": "kind:dialogue", PK: "pk:dialogue_comment"},
    "dialogue:moderation_log": {"kind": "kind:dialogue", PK: "pk:dialogue_comment"},
    "clarifications:detail": {"slug": "slug:clarification"},
    "clarifications:submitted": {"code": "code:rumour"},
    "clarifications:manage_report": {PK: "pk:rumour"},
    "clarifications:manage_report_action": {PK: "pk:rumour"},
    "clarifications:manage_screenshot": {PK: "pk:rumour"},
    "clarifications:manage_clarification": {PK: "pk:clarification"},
    "clarifications:manage_publish": {PK: "pk:clarification"},
    "dashboard:kim": {"slug": "kim"},
    "dashboard:dataset": {"slug": "dataset"},
    "api:kim_detail": {},
    "api:info_detail": {"slug": "slug:info"},
    "api:aspiration_detail": {"code": "code:aspiration"},
    "api:token_revoke": {PK: "pk:token"},
    "workspace:tenant_edit": {PK: "pk:tenant"},
    "workspace:tenant_deactivate": {PK: "pk:tenant"},
    "workspace:tenant_activate": {PK: "pk:tenant"},
    "api:aggregator_key_revoke": {PK: "pk:aggregator_key"},
    "open311:service_definition": {"code": "code:case_category", "fmt": "fmt:open311"},
    "open311:discovery": {"fmt": "fmt:open311"},
    "open311:services": {"fmt": "fmt:open311"},
    "open311:requests": {"fmt": "fmt:open311"},
    "open311:request_detail": {"fmt": "fmt:open311"},
    "regions:detail": {"code": "code:region"},
    "accounts:password_reset_confirm": {"token": "reset_token"},
}

# Patterns that cannot be reversed with parameters (catch-alls): a concrete path instead.
FIXED_PATHS = {
    "api:not_found": "/api/v9/tidak-ada/",
    "open311:not_found": "/open311/v2/tidak-ada",
}


def _param_names(route: str) -> list[str]:
    import re

    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    names += re.findall(r"\(\?P<(\w+)>", route)
    return names


def url_for(name: str, route: str, args: dict) -> str:
    from django.urls import reverse

    if name in FIXED_PATHS:
        return FIXED_PATHS[name]
    mapping = PARAMS.get(name, {})
    kwargs = {p: args[mapping.get(p, p)] for p in _param_names(route)}
    return reverse(name, kwargs=kwargs)
