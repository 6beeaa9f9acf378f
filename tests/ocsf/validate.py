#!/usr/bin/env python3
"""validate.py - checks JSON-lines events against the OCSF 1.8.0 schema files.

It reads the released schema (tests/data/ocsf-1.8.0: dictionary.json, categories.json,
events/, objects/, profiles/) and compiles it the way the OCSF schema server does:
classes follow their "extends" chain (dns_activity -> network -> base_event), "$include"
merges profile attributes, objects follow their own "extends" chain, and an attribute's
definition is the dictionary entry overlaid by the class's or object's entry (enums are
merged).  It is a test tool, not part of zonewarden.

For every event it reports:
  - an unknown class_uid, or category_uid / class_name / category_name / type_uid /
    type_name that disagree with the class (type_uid = class_uid * 100 + activity_id);
  - attribute names that the class (or the nested object) does not define, at any depth;
    `unmapped` and attributes of type `object` / `json_t` are free-form;
  - missing required attributes, in the class and in every nested object present, and
    object constraints (at_least_one, just_one); required attributes of a profile only
    when metadata.profiles lists it;
  - enum values that are not defined (activity_id, status_id, severity_id, rcode_id,
    opcode_id, ...), and a sibling caption (activity_name, status, rcode, ...) that does
    not name the id's caption (case-insensitive; free text allowed for 99 "Other");
  - wrong types: string_t and its subtypes must be strings (ip_t a valid IPv4/IPv6
    address, regex types their regex, max_len), integer_t / long_t / port_t integers in
    range, timestamp_t integer milliseconds, boolean_t a boolean, float_t a number,
    is_array attributes lists, object types JSON objects;
  - metadata.version other than the schema's version.

Usage: validate.py [--schema DIR] [--max N] [--quiet] FILE... ('-' = stdin)
Every violation fails: there is no list of tolerated ones (fix the emitter instead).
Each violation prints as FILE:LINE [FORMAT]: path: problem, FORMAT being
unmapped.source_format, or `class:UID` for events without one (alerts).
Exit: 0 no violation, 1 violations or no event at all, 2 usage or unreadable input.
Library use: Schema(dir).validate(event) -> list of "path: message" strings.
"""
import ipaddress
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMA = os.path.join(HERE, "..", "data", "ocsf-1.8.0")

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
# 1973-03-03 in ms: a smaller timestamp_t is almost certainly seconds, not milliseconds.
MIN_PLAUSIBLE_MS = 10**11


def _load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _merge_attr(base, over):
    """Overlay one attribute definition on another; enums are merged, not replaced."""
    out = dict(base)
    for k, v in over.items():
        if k == "enum" and isinstance(out.get("enum"), dict):
            e = dict(out["enum"])
            e.update(v)
            out["enum"] = e
        else:
            out[k] = v
    return out


class Schema:
    def __init__(self, root=DEFAULT_SCHEMA):
        self.root = os.path.abspath(root)
        self.version = _load(os.path.join(self.root, "version.json"))["version"]
        d = _load(os.path.join(self.root, "dictionary.json"))
        self.dict_attrs = d["attributes"]
        self.types = d["types"]["attributes"]
        cats = _load(os.path.join(self.root, "categories.json"))["attributes"]
        self.categories = {name: c for name, c in cats.items()}
        self.raw_classes = {}
        for dirpath, _, files in os.walk(os.path.join(self.root, "events")):
            for fn in files:
                if fn.endswith(".json"):
                    c = _load(os.path.join(dirpath, fn))
                    self.raw_classes[c["name"]] = c
        self.raw_objects = {}
        for fn in os.listdir(os.path.join(self.root, "objects")):
            if fn.endswith(".json"):
                o = _load(os.path.join(self.root, "objects", fn))
                self.raw_objects[o["name"]] = o
        self.profiles = {}
        for fn in os.listdir(os.path.join(self.root, "profiles")):
            if fn.endswith(".json"):
                p = _load(os.path.join(self.root, "profiles", fn))
                self.profiles[p["name"]] = p
        self._classes = {}
        self._objects = {}
        self.classes_by_uid = {}
        for name in self.raw_classes:
            c = self.compiled_class(name)
            if c["uid"] is not None:
                self.classes_by_uid[c["uid"]] = c

    # ---------------------------------------------------------------- compiling

    def _attrs_with_includes(self, attrs):
        """Own attributes of a class/object/profile with its $include files merged in
        first (included attributes are marked with their profile's name)."""
        out = {}
        for inc in attrs.get("$include", []) if isinstance(attrs.get("$include"), list) else (
                [attrs["$include"]] if "$include" in attrs else []):
            doc = _load(os.path.join(self.root, inc))
            pname = doc.get("name") if doc.get("meta") == "profile" or inc.startswith(
                "profiles/") else None
            for k, v in self._attrs_with_includes(doc.get("attributes", {})).items():
                v = dict(v)
                if pname and "profile" not in v:
                    v["profile"] = pname
                out[k] = _merge_attr(out.get(k, {}), v)
        for k, v in attrs.items():
            if k == "$include":
                continue
            out[k] = _merge_attr(out.get(k, {}), v)
        return out

    def compiled_class(self, name):
        if name in self._classes:
            return self._classes[name]
        raw = self.raw_classes[name]
        parent = self.compiled_class(raw["extends"]) if raw.get("extends") else None
        attrs = dict(parent["attributes"]) if parent else {}
        for k, v in self._attrs_with_includes(raw.get("attributes", {})).items():
            attrs[k] = _merge_attr(attrs.get(k, {}), v)
        category = raw.get("category") or (parent["category"] if parent else None)
        cat_uid = self.categories[category]["uid"] if category in self.categories else 0
        uid = None
        if "uid" in raw:
            uid = cat_uid * 1000 + raw["uid"] if category in self.categories else raw["uid"]
        constraints = dict(parent["constraints"]) if parent else {}
        constraints.update(raw.get("constraints", {}))
        c = {
            "name": name,
            "caption": raw.get("caption"),
            "uid": uid,
            "category": category,
            "category_uid": cat_uid,
            "category_caption": self.categories.get(category, {}).get("caption"),
            "attributes": attrs,
            "constraints": constraints,
        }
        self._classes[name] = c
        return c

    def compiled_object(self, name):
        if name in self._objects:
            return self._objects[name]
        raw = self.raw_objects[name]
        parent = self.compiled_object(raw["extends"]) if raw.get("extends") else None
        attrs = dict(parent["attributes"]) if parent else {}
        for k, v in self._attrs_with_includes(raw.get("attributes", {})).items():
            attrs[k] = _merge_attr(attrs.get(k, {}), v)
        constraints = dict(parent["constraints"]) if parent else {}
        constraints.update(raw.get("constraints", {}))
        o = {"name": name, "attributes": attrs, "constraints": constraints}
        self._objects[name] = o
        return o

    def attr_def(self, container_attrs, name):
        """The full definition of attribute `name` in a compiled class/object."""
        local = container_attrs.get(name)
        if local is None:
            return None
        return _merge_attr(self.dict_attrs.get(name, {}), local)

    def base_type(self, t):
        """Follows a scalar type's chain to string_t / integer_t / long_t / ..."""
        seen = set()
        while t in self.types and self.types[t].get("type") and t not in seen:
            seen.add(t)
            t = self.types[t]["type"]
        return t

    # --------------------------------------------------------------- validation

    def validate(self, ev):
        errs = []
        if not isinstance(ev, dict):
            return ["$: an event must be a JSON object"]
        cu = ev.get("class_uid")
        if isinstance(cu, bool) or not isinstance(cu, int):
            return ["class_uid: missing or not an integer (%r)" % (cu,)]
        cls = self.classes_by_uid.get(cu)
        if cls is None:
            return ["class_uid: %d is not an OCSF %s class" % (cu, self.version)]
        profiles = ev.get("metadata", {}).get("profiles", []) if isinstance(
            ev.get("metadata"), dict) else []
        profiles = set(p for p in profiles if isinstance(p, str)) if isinstance(
            profiles, list) else set()
        for p in profiles:
            if p not in self.profiles:
                errs.append("metadata.profiles: unknown profile %r" % p)
        self._check_object(ev, cls["attributes"], cls["constraints"], "", profiles, errs)
        self._check_class_ids(ev, cls, errs)
        md = ev.get("metadata")
        if isinstance(md, dict) and "version" in md and md["version"] != self.version:
            errs.append("metadata.version: %r, the schema is %s" % (md["version"], self.version))
        return errs

    def _check_class_ids(self, ev, cls, errs):
        def want(attr, value):
            if attr in ev and ev[attr] != value:
                errs.append("%s: %r, class %s wants %r" % (attr, ev[attr], cls["name"], value))

        want("category_uid", cls["category_uid"])
        want("category_name", cls["category_caption"])
        want("class_name", cls["caption"])
        aid = ev.get("activity_id")
        if isinstance(aid, int) and not isinstance(aid, bool):
            want("type_uid", cls["uid"] * 100 + aid)
            enum = self.attr_def(cls["attributes"], "activity_id").get("enum", {})
            cap = enum.get(str(aid), {}).get("caption")
            if cap and aid != 99 and "type_name" in ev:
                want("type_name", "%s: %s" % (cls["caption"], cap))

    def _check_object(self, obj, attrs, constraints, path, profiles, errs):
        for name, val in obj.items():
            p = path + name
            d = self.attr_def(attrs, name)
            if d is None:
                if name.endswith("_dt"):
                    # the datetime profile adds an RFC 3339 twin of every timestamp_t
                    base = self.attr_def(attrs, name[:-3])
                    if base and base.get("type") == "timestamp_t":
                        self._check_scalar(val, "datetime_t", p, errs)
                        continue
                errs.append("%s: unknown attribute" % p)
                continue
            self._check_value(val, d, p, profiles, errs)
            self._check_enum(obj, name, val, d, p, errs)
        for name, a in attrs.items():
            if name in obj:
                continue
            full = self.attr_def(attrs, name)
            if full.get("requirement") != "required":
                continue
            prof = full.get("profile")
            if prof and prof not in profiles:
                continue
            errs.append("%s: required attribute missing" % (path + name))
        for kind, names in constraints.items():
            present = [n for n in names if n in obj]
            if kind == "at_least_one" and not present:
                errs.append("%s: needs at least one of %s" % (path.rstrip(".") or "$", names))
            elif kind == "just_one" and len(present) != 1:
                errs.append("%s: needs exactly one of %s, has %s"
                            % (path.rstrip(".") or "$", names, present))

    def _check_enum(self, obj, name, val, d, p, errs):
        enum = d.get("enum")
        if not enum or isinstance(val, (dict, list)):
            return
        if p in ("class_uid", "category_uid"):
            return  # base_event's placeholder enums; _check_class_ids checks these
        key = str(val).lower() if isinstance(val, bool) else str(val)
        if key not in enum:
            errs.append("%s: %r is not one of the enum values %s" % (p, val, sorted(enum, key=str)))
            return
        sib = d.get("sibling")
        if sib and sib in obj and str(val) != "99":
            cap = enum[key].get("caption")
            if cap and isinstance(obj[sib], str) and obj[sib].lower() != cap.lower():
                errs.append("%s: %r does not name %s %s (%r)" % (p[: -len(name)] + sib, obj[sib],
                                                                name, val, cap))

    def _check_value(self, val, d, p, profiles, errs):
        t = d.get("type", "string_t")
        if d.get("is_array"):
            if not isinstance(val, list):
                errs.append("%s: must be an array of %s, is %s" % (p, t, type(val).__name__))
                return
            for i, v in enumerate(val):
                self._check_one(v, t, "%s[%d]" % (p, i), profiles, errs)
        else:
            if isinstance(val, list):
                errs.append("%s: must be a single %s, is an array" % (p, t))
                return
            self._check_one(val, t, p, profiles, errs)

    def _check_one(self, val, t, p, profiles, errs):
        if t in ("object", "json_t"):
            return  # free-form (unmapped, ...)
        if t in self.raw_objects:
            if not isinstance(val, dict):
                errs.append("%s: must be a %s object, is %s" % (p, t, type(val).__name__))
                return
            o = self.compiled_object(t)
            self._check_object(val, o["attributes"], o["constraints"], p + ".", profiles, errs)
            return
        self._check_scalar(val, t, p, errs)

    def _check_scalar(self, val, t, p, errs):
        base = self.base_type(t)
        tdef = self.types.get(t, {})
        if base == "string_t":
            if not isinstance(val, str):
                errs.append("%s: %s must be a string, is %s %r" % (p, t, type(val).__name__, val))
                return
            if "max_len" in tdef and len(val) > tdef["max_len"]:
                errs.append("%s: longer than %s's max_len %d" % (p, t, tdef["max_len"]))
            if t == "ip_t":
                try:
                    ipaddress.ip_address(val.split("%", 1)[0])
                except ValueError:
                    errs.append("%s: %r is not an IPv4/IPv6 address" % (p, val))
            elif "regex" in tdef and not re.search(tdef["regex"], val):
                errs.append("%s: %r does not match %s's pattern" % (p, val, t))
            return
        if base in ("integer_t", "long_t"):
            if isinstance(val, bool) or not isinstance(val, int):
                errs.append("%s: %s must be an integer, is %s %r" % (p, t, type(val).__name__, val))
                return
            lo, hi = INT32 if base == "integer_t" else INT64
            if "range" in tdef:
                lo, hi = tdef["range"]
            if not lo <= val <= hi:
                errs.append("%s: %d out of %s's range [%d, %d]" % (p, val, t, lo, hi))
            if t == "timestamp_t" and 0 < val < MIN_PLAUSIBLE_MS:
                errs.append("%s: %d looks like seconds; timestamp_t is milliseconds" % (p, val))
            return
        if base == "boolean_t":
            if not isinstance(val, bool):
                errs.append("%s: boolean_t must be true/false, is %r" % (p, val))
            return
        if base == "float_t":
            if isinstance(val, bool) or not isinstance(val, (int, float)):
                errs.append("%s: float_t must be a number, is %r" % (p, val))
            return
        errs.append("%s: unknown type %s" % (p, t))


def main(argv):
    schema_dir = DEFAULT_SCHEMA
    max_report = 50
    quiet = False
    files = []
    it = iter(argv[1:])
    for a in it:
        if a == "--schema":
            schema_dir = next(it)
        elif a == "--max":
            max_report = int(next(it))
        elif a == "--quiet":
            quiet = True
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            files.append(a)
    if not files:
        print(__doc__, file=sys.stderr)
        return 2
    schema = Schema(schema_dir)
    total = bad = 0
    per_class = {}
    reported = 0
    for fn in files:
        try:
            f = sys.stdin if fn == "-" else open(fn, encoding="utf-8")
        except OSError as e:
            print("validate.py: %s" % e, file=sys.stderr)
            return 2
        with f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                total += 1
                try:
                    ev = json.loads(line)
                    errs = schema.validate(ev)
                except ValueError as e:
                    ev, errs = {}, ["$: not JSON: %s" % e]
                cu = ev.get("class_uid") if isinstance(ev, dict) else None
                per_class[cu] = per_class.get(cu, 0) + 1
                if errs:
                    bad += 1
                    um = ev.get("unmapped") if isinstance(ev, dict) else None
                    um = um if isinstance(um, dict) else {}
                    fmt = str(um.get("source_format", "class:%s" % ev.get("class_uid")))
                    src = um.get("position") if isinstance(um.get("position"), dict) else {}
                    if src.get("file"):
                        fmt += " %s:%s" % (os.path.relpath(str(src["file"])), src.get("line", "?"))
                    for e in errs:
                        if reported < max_report:
                            print("%s:%d [%s]: %s" % (fn, n, fmt, e))
                        reported += 1
    if total == 0:
        # nothing validated proves nothing: an empty input is a failure, not a pass
        print("ocsf %s: no events in %s: nothing to validate" % (schema.version, " ".join(files)))
        return 1
    if not quiet or bad:
        classes = ", ".join("%s: %d" % (k, v) for k, v in sorted(per_class.items(), key=str))
        print("ocsf %s: %d events checked (%s), %d with violations, %d violations"
              % (schema.version, total, classes or "none", bad, reported))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
