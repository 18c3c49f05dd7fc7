"""A small kustomize, for the tests: renders deploy/kubernetes/ offline.

The tests must not need a kustomize or kubectl binary, so this renders the
subset of kustomize that deploy/kubernetes/ uses: `resources` (files and
folders), `components`, `configMapGenerator` and `secretGenerator` (files,
literals, env files; without name hashes), `patches` (strategic-merge patch
files that name their target by kind and name), `namespace` and `images`.
Anything else in a kustomization is refused, so a manifest never relies on a
feature rendered wrongly here; where kubectl is installed,
tests/test_kubernetes.py checks that it renders the same.
"""

import base64
import copy
from pathlib import Path
from typing import Any

import yaml

Manifest = dict[str, Any]

SUPPORTED_KEYS = {
    "apiVersion",
    "kind",
    "resources",
    "components",
    "configMapGenerator",
    "secretGenerator",
    "generatorOptions",
    "patches",
    "namespace",
    "images",
}
CLUSTER_SCOPED_KINDS = {
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
}
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


class UnsupportedKustomization(ValueError):
    """The kustomization uses something this renderer does not do."""


def render(folder: Path) -> list[Manifest]:
    """The manifests `kustomize build FOLDER` prints, in no particular order."""
    kustomization = _load_kustomization(folder)
    manifests: list[Manifest] = []
    for entry in kustomization.get("resources", []):
        manifests.extend(_resource(folder / entry))
    for entry in kustomization.get("components", []):
        manifests = _apply_component(folder / entry, manifests)
    manifests.extend(_generated(folder, kustomization))
    for patch in kustomization.get("patches", []):
        manifests = _apply_patch_file(folder, patch, manifests)
    if "namespace" in kustomization:
        for manifest in manifests:
            if manifest["kind"] not in CLUSTER_SCOPED_KINDS:
                manifest["metadata"]["namespace"] = kustomization["namespace"]
    for image in kustomization.get("images", []):
        _set_image(manifests, image)
    return manifests


def _load_kustomization(folder: Path) -> dict[str, Any]:
    for name in KUSTOMIZATION_FILES:
        path = folder / name
        if path.is_file():
            data = yaml.safe_load(path.read_text()) or {}
            unsupported = set(data) - SUPPORTED_KEYS
            if unsupported:
                raise UnsupportedKustomization(f"{path}: {sorted(unsupported)}")
            return dict(data)
    raise FileNotFoundError(f"no kustomization in {folder}")


def _resource(path: Path) -> list[Manifest]:
    if path.is_dir():
        return render(path)
    return [document for document in yaml.safe_load_all(path.read_text()) if document]


def _apply_component(folder: Path, manifests: list[Manifest]) -> list[Manifest]:
    component = _load_kustomization(folder)
    if component.get("kind") != "Component":
        raise UnsupportedKustomization(f"{folder} is not a Component")
    if set(component) - {"apiVersion", "kind", "resources", "patches"}:
        raise UnsupportedKustomization(f"{folder}: only resources and patches in a component")
    manifests = [*manifests]
    for entry in component.get("resources", []):
        manifests.extend(_resource(folder / entry))
    for patch in component.get("patches", []):
        manifests = _apply_patch_file(folder, patch, manifests)
    return manifests


def _generated(folder: Path, kustomization: dict[str, Any]) -> list[Manifest]:
    generators = [
        *(("ConfigMap", g) for g in kustomization.get("configMapGenerator", [])),
        *(("Secret", g) for g in kustomization.get("secretGenerator", [])),
    ]
    if not generators:
        return []
    if not kustomization.get("generatorOptions", {}).get("disableNameSuffixHash"):
        raise UnsupportedKustomization(f"{folder}: generators need disableNameSuffixHash")
    manifests = []
    for kind, generator in generators:
        if set(generator) - {"name", "files", "literals", "envs"}:
            raise UnsupportedKustomization(f"{folder}: {sorted(generator)}")
        data: dict[str, str] = {}
        for entry in generator.get("files", []):
            key, _, path = entry.rpartition("=")
            data[key or Path(path).name] = (folder / path).read_text()
        for entry in [*generator.get("literals", [])]:
            key, _, value = entry.partition("=")
            data[key] = value
        for path in generator.get("envs", []):
            data.update(_env_file(folder / path))
        manifest: Manifest = {
            "apiVersion": "v1",
            "kind": kind,
            "metadata": {"name": generator["name"]},
        }
        if kind == "Secret":
            manifest["type"] = "Opaque"
            manifest["data"] = {
                key: base64.b64encode(value.encode()).decode() for key, value in data.items()
            }
        else:
            manifest["data"] = data
        manifests.append(manifest)
    return manifests


def _env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value
    return values


def _apply_patch_file(
    folder: Path, entry: dict[str, Any], manifests: list[Manifest]
) -> list[Manifest]:
    if set(entry) != {"path"}:
        raise UnsupportedKustomization(f"{folder}: only patches by path, not {sorted(entry)}")
    for patch in _resource(folder / entry["path"]):
        targets = [
            m
            for m in manifests
            if m["kind"] == patch["kind"] and m["metadata"]["name"] == patch["metadata"]["name"]
        ]
        if len(targets) != 1:
            raise UnsupportedKustomization(
                f"{entry['path']}: {patch['kind']}/{patch['metadata']['name']} matches "
                f"{len(targets)} resources"
            )
        merged = strategic_merge(targets[0], patch)
        manifests = [merged if m is targets[0] else m for m in manifests]
    return manifests


def strategic_merge(base: Any, patch: Any) -> Any:
    """`patch` merged into `base` the strategic-merge way, for what the
    manifests use: maps merge, `null` deletes a key, lists of named items
    (containers, env, volumes) merge by name, other lists are replaced."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = copy.deepcopy(base)
        for key, value in patch.items():
            if value is None:
                merged.pop(key, None)
            elif key in merged:
                merged[key] = strategic_merge(merged[key], value)
            else:
                merged[key] = copy.deepcopy(value)
        return merged
    if isinstance(base, list) and isinstance(patch, list) and _named(base) and _named(patch):
        merged_items = [copy.deepcopy(item) for item in base]
        for item in patch:
            index = next(
                (i for i, old in enumerate(merged_items) if old["name"] == item["name"]), None
            )
            if index is None:
                merged_items.append(copy.deepcopy(item))
            else:
                merged_items[index] = strategic_merge(merged_items[index], item)
        return merged_items
    return copy.deepcopy(patch)


def _named(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(item, dict) and "name" in item for item in items)


def pod_spec(manifest: Manifest) -> dict[str, Any] | None:
    """The pod template's spec of a Deployment or Job, else None."""
    if manifest["kind"] in {"Deployment", "StatefulSet", "DaemonSet", "Job"}:
        spec: dict[str, Any] = manifest["spec"]["template"]["spec"]
        return spec
    return None


def _set_image(manifests: list[Manifest], image: dict[str, str]) -> None:
    for manifest in manifests:
        spec = pod_spec(manifest)
        if spec is None:
            continue
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            name = container["image"].split("@")[0].rsplit(":", 1)[0]
            if name != image["name"]:
                continue
            new = image.get("newName", name)
            if "newTag" in image:
                new += f":{image['newTag']}"
            elif ":" in container["image"]:
                new += ":" + container["image"].rsplit(":", 1)[1]
            container["image"] = new
