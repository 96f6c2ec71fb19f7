"""The routes onto consent: consent records and their receipts, sharing decisions and the
protocol, partner organisations and their subscriptions, and a partner fetching an event of its
feed."""

from __future__ import annotations

from werkzeug.wrappers import Response

from services.common.access import Action
from services.contracts import consent as c
from services.gateway.access_log import THEIRS
from services.gateway.http import html_response
from services.gateway.routing import Call, Read, Route

CONSENTS = "/api/v1/dossiers/{dossier_id}/consents"
CONSENT = f"{CONSENTS}/{{consent_id}}"
READ_ERRORS = (401, 403, 404, 503, 504)
CHANGE_ERRORS = (400, 401, 403, 404, 409, 422, 503, 504)
RECEIPT = Read("consent-receipt", ["identiteit"], gemeente_from_answer=False)


def _html(call: Call, page: str) -> Response:
    """The printable receipt, its own inline style allowed by its hash (the default policy
    would print it unstyled)."""
    return html_response(page)


ROUTES = (
    Route(
        "POST",
        CONSENTS,
        "giveConsent",
        "Record a consent (regievoerder, klantmanager)",
        Action.RECORD_CONSENT,
        "toestemming-vastleggen",
        "consent.give_consent",
        body=c.ConsentGiven,
        answer=c.ConsentRecord,
        status=201,
        answer_description="The consent record.",
        errors=(400, 401, 403, 404, 422, 503, 504),
        links={
            name: (
                operation,
                {"dossier_id": "$request.path.dossier_id", "consent_id": "$response.body#/id"},
            )
            for name, operation in (
                ("receipt", "getConsentReceipt"),
                ("receiptPage", "getConsentReceiptPage"),
            )
        },
    ),
    Route(
        "GET",
        CONSENTS,
        "listConsents",
        "The dossier's consent records, each with its history",
        Action.READ_CONSENT,
        "toestemming-inzien",
        "consent.consents",
        answer=c.ConsentList,
        errors=READ_ERRORS,
        read=Read("consents", ["identiteit"], gemeente_from_answer=False),
    ),
    Route(
        "PATCH",
        CONSENT,
        "changeConsent",
        "Change categories, end date or evidence, with a reason",
        Action.RECORD_CONSENT,
        "toestemming-vastleggen",
        "consent.change_consent",
        body=c.ConsentChange,
        answer=c.ConsentRecord,
        answer_description="The consent record with its history.",
        errors=CHANGE_ERRORS,
    ),
    Route(
        "POST",
        f"{CONSENT}/withdrawal",
        "withdrawConsent",
        "Withdraw a consent (from `on`, today by default)",
        Action.RECORD_CONSENT,
        "toestemming-vastleggen",
        "consent.withdraw_consent",
        body=c.ConsentWithdrawal,
        answer=c.ConsentRecord,
        answer_description="The consent record with its history.",
        errors=CHANGE_ERRORS,
    ),
    Route(
        "GET",
        f"{CONSENT}/receipt",
        "getConsentReceipt",
        "The consent receipt (Kantara) as JSON",
        Action.READ_CONSENT,
        "toestemming-inzien",
        "consent.receipt",
        answer=c.ConsentReceipt,
        answer_description="The receipt.",
        errors=READ_ERRORS,
        read=RECEIPT,
    ),
    Route(
        "GET",
        f"{CONSENT}/receipt.html",
        "getConsentReceiptPage",
        "The consent receipt as a printable page in Dutch",
        Action.READ_CONSENT,
        "toestemming-inzien",
        "consent.receipt_page",
        answer_description="HTML page.",
        media={"text/html": {"type": "string"}},
        errors=READ_ERRORS,
        read=RECEIPT,
        render=_html,
    ),
    Route(
        "POST",
        "/api/v1/sharing/decisions",
        "decideSharing",
        "May an organisation receive these categories about a dossier for a purpose on a day?"
        " Each answer names the rule or consent (regievoerder)",
        Action.DECIDE_SHARING,
        "delen-beoordelen",
        "consent.decide",
        body=c.SharingQuestion,
        answer=c.SharingDecisions,
        answer_description="One decision per category.",
        errors=(400, 401, 403, 404, 422, 503, 504),
        subject=lambda body, answer: (str(body["dossier_id"]), THEIRS),
    ),
    Route(
        "GET",
        "/api/v1/partner/dossiers/{dossier_id}/events/{event_id}",
        "fetchPartnerEvent",
        "A partner fetches an event its feed sent (the event's dataref), with what may be shared"
        " now; decided again and recorded (role partner, for its OIN)",
        Action.FETCH_FEED,
        "delen-met-partner",
        "consent.fetch",
        answer=c.PartnerEvent,
        answer_description="The event with only what may be shared now.",
        errors=READ_ERRORS,
        params={"event_id": str},
        read=Read("partner-feed", lambda fetched: fetched["categories"]),
    ),
    Route(
        "POST",
        "/api/v1/partners",
        "registerPartner",
        "Register or update a partner organisation (admin, for the gemeenten they act for:"
        " every gemeente the partner works for, before and after); its feed's broker user comes"
        " from `wegwijs partner add`",
        Action.MANAGE_PARTNERS,
        "partner-beheren",
        "consent.register_partner",
        body=c.PartnerRegistration,
        answer=c.Partner,
        answer_description="The partner as registered.",
        errors=(400, 401, 403, 422, 503, 504),
    ),
    Route(
        "GET",
        "/api/v1/partners",
        "listPartners",
        "The partner organisations that work for a gemeente the caller acts for, by name (admin,"
        " regievoerder, klantmanager, auditor)",
        Action.READ_PARTNERS,
        "partners-inzien",
        "consent.partners",
        answer=c.PartnerList,
        answer_description="By name.",
        errors=(401, 403, 503, 504),
    ),
    Route(
        "GET",
        "/api/v1/partners/{oin}/subscriptions",
        "listPartnerSubscriptions",
        "A partner organisation and its subscriptions (admin, for the gemeenten they act for);"
        " a partner that works for none of them is not found",
        Action.MANAGE_PARTNERS,
        "partner-beheren",
        "consent.partner_subscriptions",
        answer=c.PartnerSubscriptions,
        answer_description="The partner as registered, and its subscriptions.",
        errors=READ_ERRORS,
        params={"oin": c.Oin},
    ),
    Route(
        "POST",
        "/api/v1/partners/{oin}/subscriptions",
        "subscribePartner",
        "Subscribe a partner organisation to a channel (admin): the event types and gemeenten it"
        " wants, and the purpose it receives them for",
        Action.MANAGE_PARTNERS,
        "partner-beheren",
        "consent.subscribe",
        body=c.SubscriptionRequest,
        answer=c.Subscription,
        status=201,
        answer_description="The subscription as made; 409 when it asks for a gemeente the"
        " partner is not registered for.",
        errors=(400, 401, 403, 404, 409, 422, 503, 504),
        params={"oin": c.Oin},
    ),
    Route(
        "POST",
        "/api/v1/partners/{oin}/subscriptions/{subscription_id}/end",
        "endPartnerSubscription",
        "End a partner organisation's subscription (admin, for every gemeente it names): no"
        " event reaches the partner through it any more; ending one that ended changes nothing",
        Action.MANAGE_PARTNERS,
        "partner-beheren",
        "consent.end_subscription",
        answer=c.EndedSubscription,
        answer_description="The subscription as it was, now ended.",
        errors=(401, 403, 404, 503, 504),
        params={"oin": c.Oin},
    ),
    Route(
        "GET",
        "/api/v1/sharing/protocol",
        "getSharingProtocol",
        "The information-sharing protocol in force, and its adopted versions",
        Action.READ_PROTOCOL,
        "protocol-inzien",
        "consent.protocol",
        answer=c.SharingProtocol,
        answer_description="Version, digest, recipient kinds, purposes, rules.",
        errors=(401, 403, 503, 504),
    ),
)
