"""Roles and tenancy, decided in this one module.

The gateway asks it before calling a service; every service asks it again before acting, so a
forged or mistaken context is refused at the target too. Reads of another gemeente's dossier are
answered as "not found", so that existence does not leak.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from services.common.context import SYSTEM_ROLE, CommandContext
from services.common.errors import Forbidden, NotFound, Unauthenticated


class Role(StrEnum):
    REGIEVOERDER = "regievoerder"
    KLANTMANAGER = "klantmanager"
    BEGELEIDER = "begeleider"
    COORDINATOR = "coordinator"
    AUDITOR = "auditor"
    ADMIN = "admin"
    # Policy officer of a gemeente: reads reports, never a dossier.
    BELEIDSMEDEWERKER = "beleidsmedewerker"
    # A partner organisation's system, fetching what its feed refers to (dataref).
    PARTNER = "partner"
    # Professionals outside the gemeente who may give signals before and during the intake.
    HUISARTS = "huisarts"
    MAATSCHAPPELIJK_WERKER = "maatschappelijk-werker"
    COA = "coa-medewerker"


ROLES = tuple(role.value for role in Role)


class Action(StrEnum):
    REGISTER_DOSSIER = "dossier.register"
    READ_DOSSIER = "dossier.read"
    ASSIGN_DOSSIER = "dossier.assign"
    READ_PIP = "pip.read"
    DRAFT_PIP = "pip.draft"
    DECIDE_PARTICIPATIEWET = "pip.participatiewet"
    RECORD_PROGRESS = "pip.progress"
    READ_REPORTS = "pip.report"
    RECORD_CONSENT = "consent.record"
    READ_CONSENT = "consent.read"
    DECIDE_SHARING = "sharing.decide"
    READ_PROTOCOL = "sharing.protocol"
    MANAGE_PARTNERS = "partner.manage"
    FETCH_FEED = "feed.fetch"
    READ_AUDIT = "audit.read"
    RECORD_INTAKE = "intake.record"
    READ_INTAKE = "intake.read"
    CLOSE_PRACTICAL_ITEM = "intake.practical-item.close"
    RECORD_LIFE_DOMAIN = "intake.life-domain.record"
    VIEW_DOSSIER = "dossier.view"
    GIVE_SIGNAL = "signal.give"
    READ_SIGNALS = "signal.read"
    MANAGE_GUIDES = "guide.manage"
    OFFER_PLACEMENTS = "placement.offer"
    READ_POOL = "pool.read"
    MATCH = "match.propose"
    ANSWER_MATCH = "match.answer"
    READ_GUIDANCE = "guidance.read"
    LOG_ACTIVITY = "guidance.activity"
    FOLLOW_COMMAND = "command.follow"
    READ_TIMELINE = "dossier.timeline"
    READ_PARTNERS = "partner.read"
    READ_DOCUMENTS = "dossier.documents"
    MOVE_DOSSIER = "dossier.move"


_ALLOWED: dict[Action, frozenset[str]] = {
    Action.REGISTER_DOSSIER: frozenset({Role.REGIEVOERDER}),
    Action.READ_DOSSIER: frozenset({Role.REGIEVOERDER, Role.KLANTMANAGER}),
    # Who has regie over a dossier is settled among the gemeente's regievoerders: they take a
    # dossier or hand it on. (The gemeente's regierol: MvT Wi 2021, Kamerstukken II 35 483,
    # nr. 3, par. 2.2; the law names the college, not an article for this assignment: none is
    # cited.)
    Action.ASSIGN_DOSSIER: frozenset({Role.REGIEVOERDER}),
    # What each role sees of the PIP is decided per goal: see pip/views.py.
    Action.READ_PIP: frozenset({Role.REGIEVOERDER, Role.KLANTMANAGER, Role.BEGELEIDER}),
    # Drafting, establishing, revising and handhaving are the regievoerder's.
    Action.DRAFT_PIP: frozenset({Role.REGIEVOERDER}),
    # A Participatiewet measure on a breach the regievoerder referred is the klantmanager's
    # decision (Participatiewet art. 18); the PIP records it.
    Action.DECIDE_PARTICIPATIEWET: frozenset({Role.KLANTMANAGER}),
    # Progress is recorded by a goal's or module's owner (checked per goal in pip) or the
    # regievoerder.
    Action.RECORD_PROGRESS: frozenset(
        {
            Role.REGIEVOERDER,
            Role.KLANTMANAGER,
            Role.BEGELEIDER,
            Role.COORDINATOR,
            Role.HUISARTS,
            Role.MAATSCHAPPELIJK_WERKER,
        }
    ),
    Action.READ_REPORTS: frozenset({Role.REGIEVOERDER, Role.BELEIDSMEDEWERKER}),
    # Consent is asked and recorded by the gemeente's own staff.
    Action.RECORD_CONSENT: frozenset({Role.REGIEVOERDER, Role.KLANTMANAGER}),
    Action.READ_CONSENT: frozenset({Role.REGIEVOERDER, Role.KLANTMANAGER}),
    Action.DECIDE_SHARING: frozenset({Role.REGIEVOERDER}),
    # The protocol is public within the chain (aandachtspunt f: clear frames).
    Action.READ_PROTOCOL: frozenset(r for r in Role),
    # For the gemeenten the admin acts for only (checked in consent).
    Action.MANAGE_PARTNERS: frozenset({Role.ADMIN}),
    # Which events a partner may fetch is decided per event by consent, for its own OIN.
    Action.FETCH_FEED: frozenset({Role.PARTNER}),
    Action.READ_AUDIT: frozenset({Role.AUDITOR}),
    # Anyone may ask what came of their own commands (a key is its user's own).
    Action.FOLLOW_COMMAND: frozenset(r for r in Role),
    Action.RECORD_INTAKE: frozenset({Role.REGIEVOERDER}),
    Action.READ_INTAKE: frozenset({Role.REGIEVOERDER, Role.KLANTMANAGER}),
    # Which items each role closes is decided by the item's life domain: see
    # `may_close_practical_item`.
    Action.CLOSE_PRACTICAL_ITEM: frozenset({Role.REGIEVOERDER, Role.KLANTMANAGER}),
    # Which life domains each role records is decided by the domain: see
    # `may_record_life_domain`.
    Action.RECORD_LIFE_DOMAIN: frozenset({Role.REGIEVOERDER, Role.KLANTMANAGER}),
    # What each role sees, on this and every route, is decided per data category in
    # visibility.py; a begeleider reads only as the active guide (active_guide.py).
    Action.VIEW_DOSSIER: frozenset({Role.REGIEVOERDER, Role.KLANTMANAGER, Role.BEGELEIDER}),
    Action.GIVE_SIGNAL: frozenset(
        {
            Role.REGIEVOERDER,
            Role.KLANTMANAGER,
            Role.BEGELEIDER,
            Role.HUISARTS,
            Role.MAATSCHAPPELIJK_WERKER,
            Role.COA,
        }
    ),
    # Which signals a reader sees depends on their domain and sensitivity: see intake/signals.py.
    Action.READ_SIGNALS: frozenset({Role.REGIEVOERDER, Role.KLANTMANAGER, Role.BEGELEIDER}),
    # A partner organisation's coordinator keeps its guides and offers its placements.
    Action.MANAGE_GUIDES: frozenset({Role.COORDINATOR}),
    Action.OFFER_PLACEMENTS: frozenset({Role.COORDINATOR}),
    # Coordinators see their own organisation's part of the pool (see matching).
    Action.READ_POOL: frozenset({Role.REGIEVOERDER, Role.COORDINATOR}),
    # The regievoerder matches: the person's matching profile, ranking, proposing.
    Action.MATCH: frozenset({Role.REGIEVOERDER}),
    # Answering and ending a proposal: the regievoerder for the person, the candidate
    # organisation's coordinator for the organisation (checked per proposal). Starting is MATCH.
    Action.ANSWER_MATCH: frozenset({Role.REGIEVOERDER, Role.COORDINATOR}),
    # A guide reads only the guidance they give (checked in matching).
    Action.READ_GUIDANCE: frozenset({Role.REGIEVOERDER, Role.KLANTMANAGER, Role.BEGELEIDER}),
    # Only the dossier's active guide logs activities (checked in matching).
    Action.LOG_ACTIVITY: frozenset({Role.BEGELEIDER}),
    # What happened in the dossier and who did it, for the gemeente's own staff (audit leaves
    # out what touches health for all but the regievoerder: see audit/timeline.py).
    Action.READ_TIMELINE: frozenset({Role.REGIEVOERDER, Role.KLANTMANAGER}),
    # The decisions sent to the person as documents (the PIP beschikking, more time for it, a
    # warning, a fine): the gemeente's own staff, as the PIP's handhaving. No health in them.
    Action.READ_DOCUMENTS: frozenset({Role.REGIEVOERDER, Role.KLANTMANAGER}),
    # The partner organisations by name, for the gemeenten one acts for (checked in consent):
    # the staff choose whom a consent is given to; an auditor reads who received what.
    Action.READ_PARTNERS: frozenset(
        {Role.ADMIN, Role.REGIEVOERDER, Role.KLANTMANAGER, Role.AUDITOR}
    ),
    # A move (verhuizing) is proposed by the old gemeente's regievoerder and accepted or
    # declined by the new gemeente's (checked per gemeente in intake).
    Action.MOVE_DOSSIER: frozenset({Role.REGIEVOERDER}),
}

# Reads of a dossier: refused as "not found" when the actor does not act for its gemeente.
_TENANT_READS = frozenset(
    {
        Action.READ_DOSSIER,
        Action.ASSIGN_DOSSIER,
        Action.READ_PIP,
        Action.DRAFT_PIP,
        Action.DECIDE_PARTICIPATIEWET,
        Action.RECORD_PROGRESS,
        Action.RECORD_CONSENT,
        Action.READ_CONSENT,
        Action.DECIDE_SHARING,
        Action.READ_INTAKE,
        Action.RECORD_INTAKE,
        Action.CLOSE_PRACTICAL_ITEM,
        Action.RECORD_LIFE_DOMAIN,
        Action.GIVE_SIGNAL,
        Action.READ_SIGNALS,
        Action.VIEW_DOSSIER,
        Action.MATCH,
        Action.ANSWER_MATCH,
        Action.READ_GUIDANCE,
        Action.LOG_ACTIVITY,
        Action.READ_TIMELINE,
        Action.READ_DOCUMENTS,
        Action.MOVE_DOSSIER,
    }
)

# The life domains of the brede intake a role records, and the practical items (of the intake
# and of the household's checklist) a role closes, by the life domain. None: every domain.
#
# - regievoerder: every domain. Wi 2021 art. 14: the college takes the brede intake over every
#   life domain; the regievoerder does so for it.
# - klantmanager: financien, werk_en_reintegratie, participatie_en_ambities. Participatiewet:
#   the benefit, the obligations to work and to register as a jobseeker (art. 9 lid 1), the
#   advance (art. 52); the klantmanager does so for the college.
# Health (AVG art. 9), the residence intention, family, housing and the children's school stay
# with the regievoerder. (Participatiewet art. 52 checked against its text as quoted on public
# pages; art. 9 lid 1 only as cited there, not against wetten.overheid.nl.)
_KLANTMANAGER_DOMAINS = frozenset({"financien", "werk_en_reintegratie", "participatie_en_ambities"})
_RECORDS_LIFE_DOMAINS: dict[str, frozenset[str] | None] = {
    Role.REGIEVOERDER: None,
    Role.KLANTMANAGER: _KLANTMANAGER_DOMAINS,
}
_CLOSES_PRACTICAL_ITEMS: dict[str, frozenset[str] | None] = {
    Role.REGIEVOERDER: None,
    Role.KLANTMANAGER: _KLANTMANAGER_DOMAINS,
}


def _by_domain(table: dict[str, frozenset[str] | None], roles: Iterable[str], domain: str) -> bool:
    for role in roles:
        if role in table:
            domains = table[role]
            if domains is None or domain in domains:
                return True
    return False


def may_close_practical_item(roles: Iterable[str], domain: str) -> bool:
    """Whether one of `roles` closes a practical item of the life domain `domain`."""
    return _by_domain(_CLOSES_PRACTICAL_ITEMS, roles, domain)


def may_record_life_domain(roles: Iterable[str], domain: str) -> bool:
    """Whether one of `roles` records the facts of the life domain `domain`."""
    return _by_domain(_RECORDS_LIFE_DOMAINS, roles, domain)


def require(ctx: CommandContext | None, action: Action) -> CommandContext:
    """The context, if its actor's role allows `action`; otherwise raise."""
    if ctx is None:
        raise Unauthenticated("this call carries no (validly signed) actor context")
    if not ctx.actor.has_role(*_ALLOWED[action]):
        allowed = ", ".join(sorted(_ALLOWED[action]))
        raise Forbidden(f"{action.value} needs one of the roles: {allowed}")
    return ctx


def require_for_gemeente(ctx: CommandContext | None, action: Action, gemeente: str) -> None:
    """Like `require`, and the actor must act for `gemeente`."""
    ctx = require(ctx, action)
    if ctx.actor.acts_for(gemeente):
        return
    if action in _TENANT_READS:
        raise NotFound("no such dossier")
    raise Forbidden(f"you do not act for gemeente {gemeente}")


def require_for_gemeenten(
    ctx: CommandContext | None, action: Action, gemeenten: Iterable[str]
) -> None:
    """Like `require_for_gemeente`, for every one of `gemeenten`."""
    ctx = require(ctx, action)
    for gemeente in sorted(set(gemeenten)):
        require_for_gemeente(ctx, action, gemeente)


def gemeenten_of_list(ctx: CommandContext, gemeente: str | None) -> tuple[str, ...]:
    """The gemeenten a list of the actor's work is for: every one they act for, or the one
    named, when they act for it (Forbidden otherwise)."""
    if gemeente is None:
        return ctx.actor.gemeenten
    if not ctx.actor.acts_for(gemeente):
        raise Forbidden(f"you do not act for gemeente {gemeente}")
    return (gemeente,)


def allows_role(role: str, action: Action) -> bool:
    return role in _ALLOWED[action]


def allows(ctx: CommandContext, action: Action) -> bool:
    """Whether the actor's role allows `action` (for what a view may show, not for refusing)."""
    return ctx.actor.has_role(*_ALLOWED[action])


def require_system(ctx: CommandContext | None) -> CommandContext:
    """Only services themselves may call internal endpoints such as notification logs."""
    if ctx is None:
        raise Unauthenticated("this call carries no (validly signed) actor context")
    if not ctx.actor.has_role(SYSTEM_ROLE):
        raise Forbidden("internal endpoint: only Wegwijs services may call it")
    return ctx
