"""deploy/ read as Docker would: docker-compose.yml with its `${VAR}` interpolation, the Dockerfile's
stages and ENV, and the translation of one container's view (service hostnames, container ports,
/run/secrets, volumes, /app) onto this machine, so that tests/deploy runs exactly the commands and
environment the files declare.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
DEPLOY = REPO_ROOT / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
DOCKERFILE = DEPLOY / "Dockerfile"
NGINX_CONF = DEPLOY / "nginx.conf"
DEMO_ENV = DEPLOY / "demo.env"

_VARIABLE = re.compile(
    r"\$(?:\$|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)


class ComposeError(ValueError):
    """What `docker compose` would refuse, with its reason."""


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, $$."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("name") or match.group("bare")
        op, arg = match.group("op"), match.group("arg") or ""
        value = env.get(name)
        unset_or_empty = value is None or (value == "" and op is not None and op.startswith(":"))
        if op in (":-", "-"):
            return arg if unset_or_empty else (value or "")
        if op in (":?", "?"):
            if unset_or_empty:
                raise ComposeError(f"required variable {name} is missing a value: {arg}")
            return value or ""
        return value or ""

    return _VARIABLE.sub(replace, text)


def _interpolate_tree(node: object, env: Mapping[str, str]) -> object:
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, list):
        return [_interpolate_tree(item, env) for item in node]
    if isinstance(node, dict):
        return {key: _interpolate_tree(value, env) for key, value in node.items()}
    return node


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def load_raw() -> dict:
    """The file as YAML (anchors and `<<` merges resolved), before interpolation."""
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def load(env: Mapping[str, str]) -> dict:
    """The file as compose sees it with this interpolation environment."""
    return _interpolate_tree(load_raw(), env)  # type: ignore[return-value]  # a mapping in, a mapping out


def environment_of(service: dict) -> dict[str, str]:
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {key: "" if value is None else str(value) for key, value in raw.items()}


def command_of(service: dict) -> list[str]:
    command = service.get("command")
    return shlex.split(command) if isinstance(command, str) else list(command or [])


def profiles_active(service: dict, profiles: set[str]) -> bool:
    return not service.get("profiles") or bool(set(service["profiles"]) & profiles)


# ------------------------------------------------------------------------------------- Dockerfile


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)  # (INSTRUCTION, rest)

    def env(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for instruction, rest in self.instructions:
            if instruction == "ENV":
                for token in shlex.split(rest):
                    key, _, value = token.partition("=")
                    values[key] = value
        return values


def dockerfile_stages(path: Path = DOCKERFILE) -> dict[str, Stage]:
    """Stages by name, their instructions with continuation lines joined."""
    logical: list[str] = []
    pending = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    stages: dict[str, Stage] = {}
    current: Stage | None = None
    for line in logical:
        instruction, _, rest = line.strip().partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            parts = rest.split()
            name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else f"stage{len(stages)}"
            current = Stage(name, parts[0])
            stages[name] = current
        elif current is not None:
            current.instructions.append((instruction, rest.strip()))
    return stages


def stage_env(stages: dict[str, Stage], name: str) -> dict[str, str]:
    """ENV of a stage including what it inherits from the stages it is built FROM."""
    stage = stages[name]
    inherited = stage_env(stages, stage.base) if stage.base in stages else {}
    return {**inherited, **stage.env()}


# ------------------------------------------------------------------------------ container → host


@dataclass
class HostMap:
    """How a container's view translates to this machine."""

    endpoints: dict[tuple[str, int], int]  # (service, container port) → local port on 127.0.0.1
    paths: dict[str, Path]  # container path prefix → local path (longest prefix wins)
    addresses: dict[str, str] = field(default_factory=dict)  # container IP/network → local one
    users: dict[str, str] = field(default_factory=dict)  # database user in a URL → local one

    def value(self, text: str) -> str:
        for (service, port), local in self.endpoints.items():
            text = re.sub(rf"(?<![\w.-]){re.escape(service)}:{port}(?!\d)", f"127.0.0.1:{local}", text)
        for container_user, local_user in self.users.items():
            text = text.replace(f"://{container_user}@", f"://{local_user}@")
        for address, local in self.addresses.items():
            text = text.replace(address, local)
        if text == "0.0.0.0":
            return "127.0.0.1"
        for prefix in sorted(self.paths, key=len, reverse=True):
            if text == prefix or text.startswith(prefix + "/"):
                return str(self.paths[prefix]) + text[len(prefix) :]
        return text

    def port(self, service: str, text: str) -> str:
        """A bare container port of `service` (API_PORT=8000, --port 21000) → its local port."""
        if text.isdigit() and (service, int(text)) in self.endpoints:
            return str(self.endpoints[(service, int(text))])
        return text

    def environment(self, service_name: str, env: Mapping[str, str]) -> dict[str, str]:
        return {
            key: self.port(service_name, value) if key.endswith("_PORT") else self.value(value)
            for key, value in env.items()
        }

    def command(self, service_name: str, argv: list[str]) -> list[str]:
        out = []
        for index, arg in enumerate(argv):
            previous = argv[index - 1] if index else ""
            out.append(self.port(service_name, arg) if previous == "--port" else self.value(arg))
        return out
