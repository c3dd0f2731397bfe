"""The OpenAPI 3.1 document, generated from the route table and each view's declared models."""
import re

from flask import Blueprint, current_app, jsonify

from server.api.spec import operation, operation_of, optional

bp = Blueprint("api_openapi", __name__, url_prefix="/api/v1")

DOCUMENTED = re.compile(r"^/api/v1/|^/(healthz|readyz|metrics)$")
REF = "#/components/schemas/{model}"
ERROR = {"$ref": "#/components/schemas/Error"}
REASONS = {400: "Bad input: `error.fields` names each field", 401: "Not signed in",
           403: "Role not allowed, or CSRF token missing", 404: "No such thing",
           409: "The record's current state forbids it, or too many simultaneous changes to it "
                "(retry with the same Idempotency-Key)", 410: "Personal data purged",
           413: "Too large", 422: "Idempotency-Key reused with another body",
           429: "Throttled (Retry-After)", 503: "Event store unreachable (Retry-After)"}
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


class Schemas:
    """Collect model schemas into components, referring to them by name."""

    def __init__(self):
        self.components = {"Error": {
            "type": "object", "required": ["error"],
            "properties": {"error": {"type": "object", "required": ["code", "message", "fields"],
                                     "properties": {"code": {"type": "string"},
                                                    "message": {"type": "string"},
                                                    "fields": {"type": "object",
                                                               "additionalProperties": {"type": "string"}}}}}}}

    def ref(self, model, mode):
        """Return a $ref to a model's schema, adding it (and what it uses) to components."""
        schema = model.model_json_schema(ref_template=REF, mode=mode)
        for name, sub in schema.pop("$defs", {}).items():
            self.components.setdefault(name, sub)
        self.components.setdefault(model.__name__, schema)
        return {"$ref": REF.format(model=model.__name__)}

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


def _operation(op, schemas, path, method, rule):
    """Return the OpenAPI operation object of one view."""
    doc = {"summary": op.summary, "tags": [op.tag], "operationId": f"{method}_{rule.endpoint}",
           "responses": _responses(op, schemas, path)}
    if op.description:
        doc["description"] = op.description
    if op.permission:
        doc["x-permission"] = op.permission
    params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
              for name in PATH_PARAM.findall(rule.rule)]
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
    for path, method, rule in documented_rules(app):
        op = operation_of(app.view_functions[rule.endpoint])
        if op is None:
            continue  # the route-table test names any route left undescribed
        paths.setdefault(path, {})[method] = _operation(op, schemas, path, method, rule)
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


@bp.get("/openapi.json")
@operation(tag="meta", public=True)
def openapi(user):
    """Return this OpenAPI document (readable without signing in; every operation still needs its role)."""
    return jsonify(document(current_app))
