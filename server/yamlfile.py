"""Read a YAML settings file strictly: duplicate keys refused, every problem one plain line."""
import yaml

YAML_SUFFIXES = (".yaml", ".yml")


class YamlFileError(Exception):
    """The file cannot be read as YAML; the message says why (the caller names the file)."""


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader that refuses duplicate keys, which YAML would silently overwrite."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:  # keys merged in by `<<: *anchor` may still be overridden
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key_node.value!r}", key_node.start_mark)
                seen.add(key_node.value)
        return super().construct_mapping(node, deep)



def read_yaml(path):
    """Return the parsed document, turning every I/O or syntax problem into YamlFileError."""
    if path.is_dir():
        raise YamlFileError("is a directory, expected a venue YAML file")
    if not path.exists():
        raise YamlFileError("no such file")
    if path.suffix.lower() not in YAML_SUFFIXES:
        raise YamlFileError("not a YAML file (expected a .yaml or .yml name)")
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506
    except UnicodeDecodeError:
        raise YamlFileError("not UTF-8 text") from None
    except OSError as exc:
        raise YamlFileError(f"cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark, problem = getattr(exc, "problem_mark", None), getattr(exc, "problem", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise YamlFileError(f"invalid YAML: {where}{problem or exc.__class__.__name__}".replace("\n", " ")) from None
