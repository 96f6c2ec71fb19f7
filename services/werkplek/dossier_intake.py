"""The dossier's brede intake and signals tabs: each part of the intake and who recorded it, the
leerbaarheidstoets and completing the intake as forms; the signals the role may read, and giving
one."""

from __future__ import annotations

from datetime import date
from typing import Any, get_args

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from services.contracts import intake as intake_contract
from services.werkplek.dossier import DOSSIERS, form_tab, optional
from services.werkplek.gateway import Gateway
from services.werkplek.sessions import Session

LBT_OUTCOMES = get_args(intake_contract.ToetsOutcome)
SIGNAL_DOMAINS = intake_contract.SIGNAL_DOMAINS
SENSITIVITIES = get_args(intake_contract.Sensitivity)


async def brede_intake(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The brede intake: each part and who recorded it; the leerbaarheidstoets and completing
    the intake as forms."""
    path = f"{DOSSIERS}/{request.path_params['dossier_id']}/intake"

    async def send(values: dict[str, str]) -> None:
        if values.get("actie") == "afronden":
            await gateway.send("POST", f"{path}/complete", {})
        else:
            body = {"taken_on": values.get("taken_on", ""), "outcome": values.get("outcome")}
            await gateway.send("PUT", f"{path}/leerbaarheidstoets", body)

    async def shown() -> dict[str, Any]:
        return {
            "intake": await optional(gateway, path),
            "outcomes": LBT_OUTCOMES,
            "today": date.today().isoformat(),
        }

    return await form_tab(
        request, werkplek, session, gateway, form, send, "dossier_intake.html", shown
    )


async def signals(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The signals about the person the role may read, and giving one."""
    path = f"{DOSSIERS}/{request.path_params['dossier_id']}/signals"

    async def send(values: dict[str, str]) -> None:
        body = {
            "domain": values.get("domain", ""),
            "text": values.get("text", ""),
            "sensitivity": values.get("sensitivity", "normaal"),
        }
        await gateway.send("POST", path, body)

    async def shown() -> dict[str, Any]:
        return {
            "signals": await optional(gateway, path),
            "domains": SIGNAL_DOMAINS,
            "sensitivities": SENSITIVITIES,
        }

    return await form_tab(
        request, werkplek, session, gateway, form, send, "dossier_signalen.html", shown
    )


PAGES: tuple = (
    ("/dossiers/{dossier_id:uuid}/intake", brede_intake, ["GET", "POST"]),
    ("/dossiers/{dossier_id:uuid}/signalen", signals, ["GET", "POST"]),
)
MENU: tuple = ()
