"""Objects serialized twice inside one save (shared layers, shared metrics) and their reuse on load."""

from __future__ import annotations

import threading

_sharing = threading.local()


class ObjectSharingScope:
    """Detect objects serialized twice (and reuse them on deserialization) inside the scope."""

    def __enter__(self):
        _sharing.id_to_obj = {}
        _sharing.id_to_config = {}
        return self

    def __exit__(self, *args, **kwargs):
        _sharing.id_to_obj = None
        _sharing.id_to_config = None


def get_shared_object(obj_id):
    """Return the object deserialized earlier under `obj_id` in the active sharing scope."""
    id_to_obj = getattr(_sharing, "id_to_obj", None)
    return None if id_to_obj is None else id_to_obj.get(obj_id)


def record_object_after_serialization(obj, config):
    """Note a serialized object; mark both configs with `shared_object_id` when seen again."""
    if config["module"] == "__main__":
        config["module"] = None
    id_to_config = getattr(_sharing, "id_to_config", None)
    if id_to_config is None:
        return
    obj_id = int(id(obj))
    if obj_id not in id_to_config:
        id_to_config[obj_id] = config
    else:
        config["shared_object_id"] = obj_id
        id_to_config[obj_id]["shared_object_id"] = obj_id


def record_object_after_deserialization(obj, obj_id):
    """Remember a deserialized shared object for later configs naming the same id."""
    id_to_obj = getattr(_sharing, "id_to_obj", None)
    if id_to_obj is not None:
        id_to_obj[obj_id] = obj
