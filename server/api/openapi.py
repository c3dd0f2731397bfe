"""The OpenAPI 3.1 document, generated from the route table and each view's declared models.

Component schemas are keyed by module and class (`incidents.AcknowledgedData`), not by class
alone: two concepts may well name a class alike, and one must never stand in for the other.
"""
import re

from flask import Blueprint, current_app, jsonify
from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import DefsRef, GenerateJsonSchema

from server.api.spec import operation, operation_of, optional

bp = Blueprint("api_openapi", __name__, url_prefix="/api/v1")

DOCUMENTED = re.compile(r"^/api/v1/|^/(healthz|readyz|metrics)$")
REF = "#/components/schemas/{model}"
ERROR = {"$ref": "#/components/schemas/Error"}
REASONS = {400: "Bad input: `error.fields` names each field", 401: "Not signed in",
           403: "Role not allowed, or CSRF token missing", 404: "No such thing",
           409: "The record's current state forbids it, or too many simultaneous changes to it "
                "(retry with the same Idempotency-Key)", 410: "Personal data purged (also a replay of an answer that named a purged person)",
           413: "Too large", 422: "Idempotency-Key reused with another body",
           429: "Throttled (Retry-After)", 503: "Event store unreachable (Retry-After)"}
# Beside `error`, some refusals carry what the client needs to act (errors.py `current=`);
# tests/api/test_openapi_valid.py fails when a raise site names a key not described here.
ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {
        "error": {"type": "object", "required": ["code", "message", "fields"],
                  "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                                 "fields": {"type": "object", "additionalProperties": {"type": "string"},
                                            "description": "field name → what is wrong with it"}}},
        "status": {"type": "string", "description": "409: the record's current state (e.g. `cleared`)"},
        "missing": {"type": "array", "items": {"type": "object"},
                    "description": "409 not_ready: what the phase still lacks, each {key, en, zh}"},
        "visitor": {"type": "object", "description": "409: the visitor as it is now (already checked out)"},
        "vehicle": {"type": "object", "description": "409: the vehicle's entry as it is now"},
        "hit": {"type": "object", "description": "409: the watchlist match as it is now (already decided)"},
        "rejected": {"type": "array", "items": {"type": "object"},
                     "description": "400 rows_rejected: each problem's line, field (API name), "
                                    "column (as the file's header named it) and reason {en, zh}"}},
}
PATH_PARAM = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def documented_rules(app):
    """Return the (path, method, rule) triples the document must describe."""
    found = []
    for rule in app.url_map.iter_rules():
        if not DOCUMENTED.match(rule.rule):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((PATH_PARAM.sub(r"{\1}", rule.rule), method.lower(), rule))
    return found


def component_name(module, qualname):
    """Return a model's component key: its concept (or module) and class, `incidents.Incident`."""
    parts = module.split(".")
    owner = parts[1] if parts[0] == "server" and len(parts) > 1 else parts[-1]
    return f"{owner}.{qualname}"


class KeyedByModule(GenerateJsonSchema):
    """Name each nested model's definition by component_name(), ahead of pydantic's own choices."""

    def get_defs_ref(self, core_mode_ref):
        """Put the module-qualified name first among the names pydantic may give a definition."""
        ref = super().get_defs_ref(core_mode_ref)
        core_ref, _mode = core_mode_ref
        path = core_ref.rsplit(":", 1)[0]
        if "." in path and not set("[],") & set(path):  # a plain class, not a generic's instance
            module, _, qualname = path.rpartition(".")
            self._prioritized_defsref_choices[ref].insert(0, DefsRef(component_name(module, qualname)))
        return ref


class Schemas:
    """Collect model schemas into components, referring to them by a unique name."""

    def __init__(self):
        self.components = {"Error": ERROR_SCHEMA}

    def add(self, name, schema):
        """Add one component; the same name for another schema is a build error, never a silent pick."""
        if self.components.setdefault(name, schema) != schema:
            raise ValueError(f"OpenAPI: two different schemas are named {name!r}; rename one of the classes")

    def ref(self, model, mode):
        """Return a $ref to a model's schema, adding it (and what it uses) to components."""
        schema = model.model_json_schema(ref_template=REF, mode=mode, schema_generator=KeyedByModule)
        for name, sub in schema.pop("$defs", {}).items():
            self.add(name, sub)
        name = component_name(model.__module__, model.__qualname__)
        self.add(name, schema)
        return {"$ref": REF.format(model=name)}

    def parameters(self, model):
        """Return query parameters from a query model's fields."""
        schema = model.model_json_schema(ref_template=REF, by_alias=True)
        required = set(schema.get("required", ()))
        return [{"name": name, "in": "query", "required": name in required,
                 "description": prop.get("description", ""),
                 "schema": {k: v for k, v in prop.items() if k != "description"}}
                for name, prop in schema["properties"].items()]


def _responses(op, schemas, path):
    """Return the responses of one operation: its answer and the errors it can give."""
    answer = {"description": "OK" if not op.creating else
              "Recorded (a replay of the same key answers the same, with Idempotent-Replayed: true)"}
    if op.answer is not None:
        answer["content"] = {op.media: {"schema": schemas.ref(op.answer, "serialization")}}
    elif op.media != "application/json":
        answer["content"] = {op.media: {"schema": {"type": "string"}}}
    for media in op.formats:
        answer.setdefault("content", {})[media] = {"schema": {"type": "string"}}
    codes = set(op.errors) | {503}
    reads_body = op.body is not None or op.form is not None or op.creating
    if reads_body or op.query is not None:
        codes.add(400)
    if reads_body:
        codes.add(413)  # the body is read (and its size checked) before anything else
    if not op.public:
        codes |= {401, 403}
    if op.creating:
        codes |= {409, 422}  # every recorded fact may meet a busy record
    if "{" in path:
        codes.add(404)
    models = dict(op.answers)
    out = {str(op.status): answer}
    out.update({str(c): {"description": REASONS[c], "content": {"application/json": {
                    "schema": schemas.ref(models[c], "serialization") if c in models else ERROR}}}
                for c in sorted(codes | set(models))})
    return out


def operation_id(method, rule):
    """Return a rule's operationId: method and endpoint, and for one view serving several rules
    with `defaults` (enable/disable) the rule's last fixed path segment too."""
    if not rule.defaults:
        return f"{method}_{rule.endpoint}"
    last = [part for part in rule.rule.split("/") if part and not part.startswith("<")][-1]
    return f"{method}_{rule.endpoint}_{last}"


def _unique_ids(paths):
    """Raise when two operations share an operationId (clients name methods after them)."""
    seen = {}
    for path, item in paths.items():
        for method, doc in item.items():
            other = seen.setdefault(doc["operationId"], (path, method))
            if other != (path, method):
                raise ValueError(f"OpenAPI: operationId {doc['operationId']!r} of {method} {path} "
                                 f"is also {other[1]} {other[0]}'s")


def _static_siblings(paths):
    """Return {(path prefix, segment index): fixed segments} of the documented paths.

    Flask routes a fixed segment before a parameter (`/visitors/expected` before
    `/visitors/<visitor_id>`), so a parameter never takes a sibling's fixed value: the document
    says so, and clients and schema-driven tests do not send `expected` as a visitor id.
    """
    fixed = {}
    for path in paths:
        parts = path.strip("/").split("/")
        for i, part in enumerate(parts):
            if not part.startswith("{"):
                fixed.setdefault(("/".join(parts[:i]), i), set()).add(part)
    return fixed


def _path_params(path, fixed):
    """Return the path parameters of a documented path, each excluding its siblings' fixed segments."""
    params = []
    parts = path.strip("/").split("/")
    for i, part in enumerate(parts):
        if part.startswith("{"):
            schema = {"type": "string"}
            others = sorted(fixed.get(("/".join(parts[:i]), i), ()))
            if others:
                schema["not"] = {"enum": others}
            params.append({"name": part[1:-1], "in": "path", "required": True, "schema": schema})
    return params


def _operation(op, schemas, path, method, rule, fixed=None):
    """Return the OpenAPI operation object of one view."""
    doc = {"summary": op.summary, "tags": [op.tag], "operationId": operation_id(method, rule),
           "responses": _responses(op, schemas, path)}
    if op.description:
        doc["description"] = op.description
    if op.permission:
        doc["x-permission"] = op.permission
    params = _path_params(path, fixed or {})
    if op.creating:
        params.append({"$ref": "#/components/parameters/IdempotencyKey"})
    if op.query is not None:
        params += schemas.parameters(op.query)
    if params:
        doc["parameters"] = params
    if op.body is not None:
        doc["requestBody"] = {"required": not optional(op.body), "content": {
            "application/json": {"schema": schemas.ref(op.body, "validation")}}}
    if op.form is not None:  # a multipart upload, or either of the two when a JSON body is declared too
        doc.setdefault("requestBody", {"required": True, "content": {}})
        doc["requestBody"]["required"] = True
        doc["requestBody"]["content"]["multipart/form-data"] = {"schema": op.form}
    if op.public:
        doc["security"] = []
    return doc


def document(app):
    """Build the OpenAPI 3.1 document of every documented route of the app."""
    schemas, paths = Schemas(), {}
    rules = documented_rules(app)
    fixed = _static_siblings(path for path, _, _ in rules)
    for path, method, rule in rules:
        op = operation_of(app.view_functions[rule.endpoint])
        if op is None:
            continue  # the route-table test names any route left undescribed
        paths.setdefault(path, {})[method] = _operation(op, schemas, path, method, rule, fixed)
    _unique_ids(paths)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Gatewatch API", "version": "1",
                 "description": "Real-time security operations for a venue. Every POST except "
                                "/auth/* records a fact and needs an Idempotency-Key. Errors are "
                                "`{error: {code, message, fields}}`; field messages follow "
                                "Accept-Language (zh or en). `x-permission` names what the "
                                "caller's role must hold."},
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.components.items())),
            "parameters": {"IdempotencyKey": {
                "name": "Idempotency-Key", "in": "header", "required": True,
                "description": "Unique per fact, per user; kept at least 7 days",
                "schema": {"type": "string", "pattern": "^[A-Za-z0-9\\-_.:]{1,128}$"}}},
            "securitySchemes": {"cookie": {"type": "apiKey", "in": "cookie", "name": "gatewatch_session"},
                                "bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"cookie": []}, {"bearer": []}],
    }


class OpenAPIDocument(BaseModel):
    """An OpenAPI 3.1 document: this one."""

    model_config = ConfigDict(extra="allow")

    openapi: str
    info: dict
    paths: dict
    components: dict


@bp.get("/openapi.json")
@operation(tag="meta", public=True, answer=OpenAPIDocument)
def openapi(user):
    """Return this OpenAPI document (readable without signing in; every operation still needs its role)."""
    return jsonify(document(current_app))
