"""The dossier's PIP tab: status and deadline, the leerroute, the goals with phase and owner,
adding a goal to a draft, and the PIP as it stood on a date."""

from __future__ import annotations

from typing import Any, get_args

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from services.contracts import pip as pip_contract
from services.werkplek.dossier import DOSSIERS, form_tab, optional
from services.werkplek.gateway import Gateway
from services.werkplek.sessions import Session

GOAL_DOMAINS = get_args(pip_contract.GoalDomain)
OWNER_ROLES = get_args(pip_contract.OwnerRole)


async def pip(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The PIP: status and deadline, the leerroute, the goals with phase and owner, adding a
    goal to a draft, and the PIP as it stood on a date."""
    path = f"{DOSSIERS}/{request.path_params['dossier_id']}/pip"

    async def send(values: dict[str, str]) -> None:
        body = {
            "domain": values.get("domain", ""),
            "term": values.get("term", ""),
            "description": values.get("description", ""),
            "measure": values.get("measure", ""),
            "due_on": values.get("due_on", ""),
            "phase": int(values["phase"]) if values.get("phase", "").isdigit() else None,
            "owner": {
                "organisation": values.get("owner_organisation", ""),
                "role": values.get("owner_role", ""),
            },
        }
        await gateway.send("POST", f"{path}/goals", body)

    async def shown() -> dict[str, Any]:
        as_of = request.query_params.get("op", "").strip()
        query = {"as_of": as_of} if as_of else {}
        return {
            "pip": await optional(gateway, path, **query),
            "as_of": as_of,
            "domains": GOAL_DOMAINS,
            "roles": OWNER_ROLES,
        }

    return await form_tab(
        request, werkplek, session, gateway, form, send, "dossier_pip.html", shown
    )


PAGES: tuple = (("/dossiers/{dossier_id:uuid}/pip", pip, ["GET", "POST"]),)
MENU: tuple = ()
