"""The region a deployment serves: its gemeenten, by CBS code."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from services.common import settings


@dataclass(frozen=True)
class Gemeente:
    code: str
    name: str
    oin: str


@dataclass(frozen=True)
class Region:
    name: str
    gemeenten: tuple[Gemeente, ...]

    @classmethod
    def load(cls, path: str | Path | None = None) -> Region:
        data = json.loads(Path(path or settings.REGION_FILE.get()).read_text(encoding="utf-8"))
        return cls(
            name=data["region"],
            gemeenten=tuple(Gemeente(g["code"], g["name"], g["oin"]) for g in data["gemeenten"]),
        )

    def codes(self) -> tuple[str, ...]:
        return tuple(g.code for g in self.gemeenten)

    def __contains__(self, code: object) -> bool:
        return code in self.codes()

    def gemeente(self, code: str) -> Gemeente:
        for gemeente in self.gemeenten:
            if gemeente.code == code:
                return gemeente
        raise KeyError(code)
