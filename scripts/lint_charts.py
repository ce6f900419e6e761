#!/usr/bin/env python3
"""Lints, renders and validates the Helm charts under charts/ with the real
Helm engine (helm-python-sdk: Helm v4's Go SDK) and the Kubernetes API
schemas (kubernetes-validate). Run it through scripts/lint-charts, which
prepares the virtual environment.

Steps, each reported on one line:
  1. every values.schema.json is the one generated from SCHEMAS below (so
     the six charts cannot drift apart), is strict (additionalProperties
     false on every object, a type on every leaf) and every key of each
     values.yaml has its "## @param" line;
  2. the charts are copied to a temporary directory and their file://
     dependencies built there (the checkout stays clean);
  3. `helm lint --strict` of every chart (kube version 1.30);
  4. values validated against each chart's schema and every chart rendered
     with its defaults (plus REQUIRED: what a release must set), the
     umbrella also with infra/production-values.yaml and with every
     optional part, channel and provider switched on;
  5. every rendered object validated against the Kubernetes 1.30 API
     schemas (strict: unknown fields are errors), plus the project's rules:
     probes, resources, hardened securityContext, no secret in plain text
     (env or ConfigMap), exactly one migration hook; with a built binary,
     each pod's file and env loaded by `tekmerkez migrate` (which stops
     right after loading), and the same file with an unknown key refused;
  6. values with an unknown key, a mistyped value or a mistyped setting
     must be REJECTED by every chart, and the umbrella must refuse to
     render what only its templates see (missing globals, an unguarded
     report port, the two sides of a shared token on different keys).

`--write-schemas` rewrites the values.schema.json files and exits.
`--values FILE` (repeatable) renders and validates the umbrella with FILE too.
`--package DIR` also writes the umbrella, with its dependencies inside, as a
.tgz into DIR (what `helm install` takes on a machine without this checkout).
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

KUBE_VERSION = "1.30.0"
SERVICES = ["case", "intake", "routing", "notify", "reports", "gateway"]
LIB = "tekmerkez-lib"
UMBRELLA = "tekmerkez"
RELEASE = "tekmerkez"
NAMESPACE = "tekmerkez"

# --------------------------------------------------------------------------
# Schema building blocks. Every object gets additionalProperties: false and
# lists all its keys as required (values.yaml supplies each default); the
# only open objects are string maps (labels, annotations, nodeSelector).


def string(**kw: Any) -> dict[str, Any]:
    return {"type": "string", **kw}


def integer(minimum: int | None = None, maximum: int | None = None) -> dict[str, Any]:
    s: dict[str, Any] = {"type": "integer"}
    if minimum is not None:
        s["minimum"] = minimum
    if maximum is not None:
        s["maximum"] = maximum
    return s


def boolean() -> dict[str, Any]:
    return {"type": "boolean"}


def obj(props: dict[str, Any], required: list[str] | None = None, **kw: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(props) if required is None else required,
        "properties": props,
        **kw,
    }


def array(items: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, **kw}


def string_map() -> dict[str, Any]:
    return {"type": "object", "additionalProperties": {"type": "string"}}


PORT = integer(1, 65535)
NAME = string(pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", maxLength=63)
NAME_OR_EMPTY = string(pattern=r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$", maxLength=63)
SECRET_KEY = string(pattern=r"^([-._a-zA-Z0-9]+)?$", maxLength=253)
QUANTITY = {"type": ["string", "number"], "pattern": r"^[0-9.]+([eE][0-9]+|[a-zA-Z]{1,2})?$"}


def label_selector() -> dict[str, Any]:
    return obj(
        {
            "matchLabels": string_map(),
            "matchExpressions": array(
                obj(
                    {
                        "key": string(minLength=1),
                        "operator": string(enum=["In", "NotIn", "Exists", "DoesNotExist"]),
                        "values": array(string()),
                    },
                    required=["key", "operator"],
                )
            ),
        },
        required=[],
        minProperties=1,
    )


def peer() -> dict[str, Any]:
    """One NetworkPolicy peer: podSelector, namespaceSelector and/or ipBlock."""
    return obj(
        {
            "podSelector": label_selector(),
            "namespaceSelector": label_selector(),
            "ipBlock": obj({"cidr": string(minLength=1), "except": array(string())}, required=["cidr"]),
        },
        required=[],
        minProperties=1,
    )


def k8s_probe() -> dict[str, Any]:
    """A full Kubernetes Probe for custom*Probe: {} or exactly one handler."""
    handlers = {
        "exec": obj({"command": array(string(), minItems=1)}),
        "httpGet": obj(
            {
                "path": string(),
                "port": {"type": ["integer", "string"]},
                "scheme": string(enum=["HTTP", "HTTPS"]),
                "host": string(),
                "httpHeaders": array(obj({"name": string(minLength=1), "value": string()})),
            },
            required=["port"],
        ),
        "tcpSocket": obj({"port": {"type": ["integer", "string"]}, "host": string()}, required=["port"]),
        "grpc": obj({"port": PORT, "service": string()}, required=["port"]),
    }
    timings = {
        k: integer(0 if k == "initialDelaySeconds" else 1)
        for k in [
            "initialDelaySeconds",
            "periodSeconds",
            "timeoutSeconds",
            "failureThreshold",
            "successThreshold",
            "terminationGracePeriodSeconds",
        ]
    }
    return obj(
        {**handlers, **timings},
        required=[],
        oneOf=[{"maxProperties": 0}] + [{"required": [h]} for h in handlers],
    )


def probe(single_success: bool) -> dict[str, Any]:
    return obj(
        {
            "enabled": boolean(),
            "initialDelaySeconds": integer(0),
            "periodSeconds": integer(1),
            "timeoutSeconds": integer(1),
            "failureThreshold": integer(1),
            "successThreshold": integer(1, 1) if single_success else integer(1),
        }
    )


def resources() -> dict[str, Any]:
    pair = obj({"cpu": QUANTITY, "memory": QUANTITY})
    return obj({"requests": pair, "limits": pair})


CATEGORY = obj(
    {
        "code": string(pattern=r"^[a-z0-9_]+$"),
        "name_tr": string(minLength=1),
        "name_en": string(minLength=1),
    }
)

GLOBAL = obj(
    {
        "image": obj(
            {
                "repository": string(),
                "tag": string(),
                "pullPolicy": string(enum=["", "Always", "IfNotPresent", "Never"]),
            }
        ),
        "imagePullSecrets": array(NAME),
        "existingSecret": NAME_OR_EMPTY,
        "kafka": obj(
            {
                "brokers": string(),
                "topicPrefix": string(pattern=r"^[a-zA-Z0-9._-]*$"),
                "partitions": integer(1),
                "replicationFactor": integer(1),
                # -1 keeps case.events.v1 for the reports' rebuild.
                "caseEventsRetentionMs": integer(-1),
            }
        ),
        "caseService": obj({"port": PORT}),
        "categories": array(CATEGORY),
        # What citizens read in SMS, e-mails and on receipts (notify, the
        # gateway): written once for the release.
        "institution": string(),
        "trackingUrl": string(pattern=r"^(https?://.+)?$"),
        # The relay's SMTPUTF8: notify sends to non-ASCII addresses, intake
        # accepts them (notify.email.smtputf8, which intake reads too).
        "smtputf8": boolean(),
    }
)

TELEMETRY = obj(
    {
        "log_level": string(minLength=1),
        "log_format": string(enum=["json", "pretty"]),
        "otlp_endpoint": string(),
    }
)

KAFKA_CLIENT = obj(
    {
        "client_id": string(minLength=1),
        "message_timeout_ms": integer(1),
        "session_timeout_ms": integer(1),
        "idempotence": boolean(),
        "linger_ms": integer(0),
        "fetch_wait_max_ms": integer(0),
    }
)

# An env name that looks like a secret must come from the Secret, not extraEnv.
SECRET_LOOKING = r"(?i)(token|password|secret|database_?_?url|api_?key|index_?key|netgsm__username|smtp__username)"


def common(*, kafka: bool, ingress: bool) -> dict[str, Any]:
    """The value layout every service chart shares (see charts/case/values.yaml)."""
    props: dict[str, Any] = {
        "enabled": boolean(),
        "global": GLOBAL,
        # Helm copies the globals into the library dependency's values too.
        LIB: obj({"global": GLOBAL}, required=[]),
        "nameOverride": NAME_OR_EMPTY,
        "fullnameOverride": NAME_OR_EMPTY,
        "image": obj(
            {
                "repository": string(minLength=1),
                "tag": string(),
                "pullPolicy": string(enum=["Always", "IfNotPresent", "Never"]),
                "command": string(minLength=1),
            }
        ),
        "imagePullSecrets": array(NAME),
        "replicaCount": integer(1),
        "containerPort": PORT,
        "terminationGracePeriodSeconds": integer(1),
        "podAnnotations": string_map(),
        "podLabels": string_map(),
        # The metrics listener (telemetry.metrics_listen): port, scrape
        # annotations, and who the NetworkPolicy lets scrape it.
        "metrics": obj(
            {
                "enabled": boolean(),
                "port": PORT,
                "scrapeAnnotations": boolean(),
                "from": array(peer()),
            }
        ),
        "nodeSelector": string_map(),
        "tolerations": array(
            obj(
                {
                    "key": string(),
                    "operator": string(enum=["Exists", "Equal"]),
                    "value": string(),
                    "effect": string(enum=["", "NoSchedule", "PreferNoSchedule", "NoExecute"]),
                    "tolerationSeconds": integer(0),
                },
                required=[],
            )
        ),
        "topologySpread": obj(
            {
                "enabled": boolean(),
                "maxSkew": integer(1),
                "topologyKey": string(minLength=1),
                "whenUnsatisfiable": string(enum=["DoNotSchedule", "ScheduleAnyway"]),
            }
        ),
        "podSecurityContext": obj(
            {"runAsUser": integer(1), "runAsGroup": integer(1), "fsGroup": integer(1)}
        ),
        "resources": resources(),
        "extraEnv": array(
            obj(
                {
                    "name": string(
                        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", **{"not": {"pattern": SECRET_LOOKING}}
                    ),
                    "value": string(),
                }
            )
        ),
        "probes": obj(
            {
                "startupProbe": probe(True),
                "livenessProbe": probe(True),
                "readinessProbe": probe(False),
            }
        ),
        "customStartupProbe": k8s_probe(),
        "customLivenessProbe": k8s_probe(),
        "customReadinessProbe": k8s_probe(),
        "service": obj(
            {
                "type": string(enum=["ClusterIP", "NodePort", "LoadBalancer"]),
                "port": PORT,
                "externalTrafficPolicy": string(enum=["Cluster", "Local"]),
                "annotations": string_map(),
            }
        ),
        "serviceAccount": obj(
            {"create": boolean(), "name": NAME_OR_EMPTY, "annotations": string_map()}
        ),
        "podDisruptionBudget": obj(
            {
                "enabled": boolean(),
                "maxUnavailable": {"type": ["integer", "string"], "minimum": 1, "pattern": r"^[0-9]+%$"},
            }
        ),
        "autoscaling": obj(
            {
                "enabled": boolean(),
                "minReplicas": integer(1),
                "maxReplicas": integer(1),
                "targetCPUUtilizationPercentage": integer(0, 100),
                "targetMemoryUtilizationPercentage": integer(0, 100),
            }
        ),
        "networkPolicy": obj(
            {
                "enabled": boolean(),
                "allowExternal": boolean(),
                "ingressFrom": array(peer()),
                "egress": obj(
                    {
                        "enabled": boolean(),
                        "to": array(
                            obj(
                                {"cidr": string(pattern=r"^[0-9a-fA-F:.]+/[0-9]{1,3}$"), "ports": array(PORT)},
                                required=["cidr"],
                            )
                        ),
                    }
                ),
            }
        ),
        "existingSecret": NAME_OR_EMPTY,
    }
    if kafka:
        props["kafka"] = obj({"brokers": string()})
    if ingress:
        props["ingress"] = obj(
            {
                "enabled": boolean(),
                "className": string(),
                "annotations": string_map(),
                "hosts": array(
                    obj(
                        {
                            "host": string(minLength=1),
                            "paths": array(
                                obj(
                                    {
                                        "path": string(pattern=r"^/"),
                                        "pathType": string(enum=["Prefix", "Exact", "ImplementationSpecific"]),
                                    }
                                ),
                                minItems=1,
                            ),
                        }
                    )
                ),
                "tls": array(obj({"secretName": NAME, "hosts": array(string(minLength=1), minItems=1)})),
            }
        )
    return props


def case_service() -> dict[str, Any]:
    return obj({"url": URL_OR_EMPTY})


URL_OR_EMPTY = string(pattern=r"^(https?://.+)?$")
CODE = string(pattern=r"^[a-z0-9_]+$")
PROVINCE = integer(1, 81)
KVKK_VERSION = string(minLength=1, maxLength=64)
HHMM = string(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def extra_port() -> dict[str, Any]:
    """A second listener of a service (intake's partner API, notify's
    delivery reports): its container and Service ports and who may reach it."""
    return {
        "containerPort": PORT,
        "servicePort": PORT,
        "allowExternal": boolean(),
        "ingressFrom": array(peer()),
    }


def ca_bundle() -> dict[str, Any]:
    """A private CA's certificates from an existing ConfigMap (intake's IMAP, notify's SMTP)."""
    return obj({"configMap": NAME_OR_EMPTY, "key": string(pattern=r"^[-._a-zA-Z0-9]+$")})


def social_channel() -> dict[str, Any]:
    """A social-media channel's non-secret settings; its secrets come from
    the Secret. Enabled, it needs at least one account."""
    account = obj({"id": string(minLength=1), "province_code": PROVINCE, "category": CODE})
    return obj(
        {
            "enabled": boolean(),
            "max_message_age_minutes": integer(1),
            "accounts": array(account),
        },
        **{
            "if": {"properties": {"enabled": {"const": True}}, "required": ["enabled"]},
            "then": {"properties": {"accounts": {"minItems": 1}}},
        },
    )


def intake_channels() -> dict[str, Any]:
    """intake's channels beside the web form and the app API (issue 7), each
    switched by its `enabled`; secrets are in secretKeys."""
    return {
        "email": obj(
            {
                "enabled": boolean(),
                "imap": obj(
                    {
                        "host": string(minLength=1),
                        "port": PORT,
                        "tls": string(enum=["implicit", "starttls", "none"]),
                        "ca_file": string(pattern=r"^(/.*)?$"),
                        "username": string(minLength=1),
                        "mailbox": string(minLength=1),
                        "processed_mailbox": string(),
                        "poll_interval_ms": integer(1),
                        "idle_renew_ms": integer(1, 29 * 60 * 1000),
                        "timeout_ms": integer(1),
                        "max_backoff_ms": integer(1000),
                    }
                ),
                "own_addresses": array(string(minLength=3)),
                "notification_domain": string(),
                "province_code": PROVINCE,
                "category": CODE,
                "kvkk_text_version": KVKK_VERSION,
                "max_message_bytes": integer(65536, 4294967295),
            }
        ),
        "social": obj(
            {
                "conversation_window_minutes": integer(1),
                "body_limit_bytes": integer(1024),
                "kvkk_text_version": KVKK_VERSION,
                "reply": string(enum=["conversation", "phone_callback"]),
                "whatsapp": social_channel(),
                "messenger": social_channel(),
                "instagram": social_channel(),
                "x": social_channel(),
            }
        ),
        "partner": obj(
            {
                "enabled": boolean(),
                "request_timeout_ms": integer(1),
                "reflection": boolean(),
                "partners": array(
                    obj(
                        {
                            "id": string(pattern=r"^[a-z0-9_-]{1,64}$"),
                            "name": string(minLength=1),
                            "token_sha256": string(pattern=r"^[0-9a-f]{64}$"),
                            "per_minute": integer(1),
                            "burst": integer(1),
                            # Optional: a partner is another body by default.
                            "source": string(enum=["cimer", "acik_kapi", "diger_kurum"]),
                        },
                        required=["id", "name", "token_sha256", "per_minute", "burst"],
                    )
                ),
            }
        ),
        "open311": obj(
            {
                "enabled": boolean(),
                "jurisdiction_id": string(),
                "request_ids": string(enum=["realtime", "batch"]),
                "default_province_code": integer(0, 81),
                "list_limit": integer(1, 10000),
                "service_notice": string(),
                "services": array(
                    obj(
                        {
                            "code": CODE,
                            "group_tr": string(minLength=1),
                            "group_en": string(minLength=1),
                            "keywords": string(),
                            "attributes": array(
                                obj(
                                    {
                                        "code": string(pattern=r"^[a-z0-9_]{1,64}$"),
                                        "datatype": string(
                                            enum=["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
                                        ),
                                        "required": boolean(),
                                        "description_tr": string(minLength=1),
                                        "description_en": string(minLength=1),
                                        "values": array(
                                            obj(
                                                {
                                                    "key": string(minLength=1),
                                                    "name_tr": string(minLength=1),
                                                    "name_en": string(minLength=1),
                                                }
                                            )
                                        ),
                                    },
                                    required=["code", "datatype", "required", "description_tr", "description_en"],
                                )
                            ),
                        },
                        required=["code", "group_tr", "group_en"],
                    )
                ),
                "clients": array(
                    obj(
                        {
                            "id": string(pattern=r"^[a-z0-9_-]{1,64}$"),
                            "name": string(minLength=1),
                            "api_key_sha256": string(pattern=r"^[0-9a-f]{64}$"),
                            "per_minute": integer(1),
                            "burst": integer(1),
                            "kvkk_text_version": KVKK_VERSION,
                            # Optional: a client is the institution's own app by default.
                            "source": string(enum=["dogrudan", "diger_kurum", "cimer", "acik_kapi"]),
                        },
                        required=["id", "name", "api_key_sha256", "per_minute", "burst", "kvkk_text_version"],
                    )
                ),
            },
            # The service notice and the services' groups and attributes
            # default to the binary's base.yaml.
            required=["enabled", "jurisdiction_id", "request_ids", "default_province_code", "list_limit", "clients"],
        ),
        "cti": obj(
            {
                "enabled": boolean(),
                "max_skew_seconds": integer(1),
                "rate_limit_per_second": integer(1),
                "rate_limit_burst": integer(1),
                "call_retention_hours": integer(1),
                "caller_history_days": integer(1),
                "caller_history_limit": integer(1),
                "default_province_code": PROVINCE,
                "kvkk_text_version": KVKK_VERSION,
                "ivr_records": array(
                    obj({"kind": string(minLength=1), "category": CODE, "text": string(minLength=1)})
                ),
            }
        ),
        "staff": obj({"enabled": boolean()}),
    }


def notify_section() -> dict[str, Any]:
    """notify's settings (services/notify/src/config.rs) but the listeners,
    the database, the institution and tracking URL (from global) and the
    secrets."""
    return obj(
        {
            "case_service": obj(
                {"timeout_ms": integer(1), "unknown_case_attempts": integer(1), "unknown_case_backoff_ms": integer(0)}
            ),
            "consumer": obj(
                {
                    "group": string(minLength=1),
                    "max_attempts": integer(1),
                    "initial_backoff_ms": integer(1),
                    "max_backoff_ms": integer(1),
                    "concurrency": integer(1, 1024),
                }
            ),
            "default_locale": string(enum=["tr", "en"]),
            "public_url": URL_OR_EMPTY,
            "status_link_days": integer(1),
            "survey": obj(
                {
                    "enabled": boolean(),
                    "delay_minutes": integer(0),
                    "link_days": integer(1),
                    "opt_out_keyword": string(pattern=r"^\S{1,16}$"),
                }
            ),
            "quiet_hours": obj(
                {
                    "enabled": boolean(),
                    "start": HHMM,
                    "end": HHMM,
                    "time_zone": string(minLength=1),
                    "fresh_minutes": integer(0),
                }
            ),
            "dispatch": obj(
                {
                    "poll_interval_ms": integer(1),
                    "batch_size": integer(1),
                    "concurrency": integer(1, 1024),
                    "lease_ms": integer(1),
                    "in_doubt_retry_ms": integer(1),
                    "max_attempts": integer(1),
                    "initial_backoff_ms": integer(1),
                    "max_backoff_ms": integer(1),
                }
            ),
            "sms": obj(
                {
                    # `dev` (the development sink) sends nothing: not offered here.
                    "order": array(string(enum=["netgsm", "webhook"]), uniqueItems=True),
                    "netgsm": obj(
                        {
                            "base_url": string(pattern=r"^https?://.+"),
                            "msgheader": string(minLength=1, maxLength=11),
                            "appname": string(),
                            "iys_filter": string(pattern=r"^[0-9]{1,2}$"),
                            "timeout_ms": integer(1),
                            "report_poll_ms": integer(0),
                        }
                    ),
                    "webhook": obj({"url": URL_OR_EMPTY, "sender": string(), "timeout_ms": integer(1)}),
                }
            ),
            "email": obj(
                {
                    "transport": string(enum=["smtp", "off"]),
                    "from": string(minLength=3),
                    "message_id_domain": string(minLength=1),
                    "smtp": obj(
                        {
                            "host": string(minLength=1),
                            "port": PORT,
                            "tls": string(enum=["required", "opportunistic", "wrapper", "none"]),
                            "ca_file": string(pattern=r"^(/.*)?$"),
                            "timeout_ms": integer(1),
                        }
                    ),
                }
            ),
            "social": obj(
                {
                    "window_margin_minutes": integer(0, 719),
                    "whatsapp": obj(
                        {
                            "enabled": boolean(),
                            "base_url": string(pattern=r"^https?://.+"),
                            "api_version": GRAPH_VERSION,
                            "timeout_ms": integer(1),
                            "template": obj(
                                {
                                    "name": string(pattern=r"^([a-z0-9_]{1,512})?$"),
                                    "language": string(pattern=r"^([a-z]{2,3}(_[A-Z]{2})?)?$"),
                                    "body_parameters": array(
                                        string(enum=["tracking_number", "text", "institution"])
                                    ),
                                }
                            ),
                        }
                    ),
                    "messenger": graph_send(),
                    "instagram": graph_send(),
                    "x": obj(
                        {
                            "enabled": boolean(),
                            "base_url": string(pattern=r"^https?://.+"),
                            "timeout_ms": integer(1),
                        }
                    ),
                }
            ),
            "catalogue_refresh_ms": integer(1),
            "max_event_age_minutes": integer(0),
        }
    )


GRAPH_VERSION = string(pattern=r"^v[0-9]+\.[0-9]+$")


def graph_send() -> dict[str, Any]:
    """notify.social.messenger / instagram: the Graph Send API."""
    return obj(
        {
            "enabled": boolean(),
            "base_url": string(pattern=r"^https?://.+"),
            "api_version": GRAPH_VERSION,
            "timeout_ms": integer(1),
            "human_agent": boolean(),
        }
    )


def service_schema(name: str) -> dict[str, Any]:
    """The values schema of one service chart."""
    if name == "case":
        props = common(kafka=True, ingress=False)
        props["secretKeys"] = obj(
            {
                k: SECRET_KEY
                for k in [
                    "databaseUrl",
                    "routingServiceToken",
                    "intakeServiceToken",
                    "gatewayServiceToken",
                    "notifyServiceToken",
                    "reportsServiceToken",
                    "bootstrapAdminPassword",
                ]
            }
        )
        props["migrations"] = obj(
            {
                "enabled": boolean(),
                "existingSecret": NAME_OR_EMPTY,
                "secretKeys": obj(
                    {
                        k: string(pattern=r"^[-._a-zA-Z0-9]+$")
                        for k in [
                            "caseDatabaseUrl",
                            "intakeDatabaseUrl",
                            "routingDatabaseUrl",
                            "gatewayDatabaseUrl",
                            "notifyDatabaseUrl",
                            "reportsDatabaseUrl",
                        ]
                    }
                ),
                "backoffLimit": integer(0),
                "activeDeadlineSeconds": integer(1),
                "serviceAccountName": NAME_OR_EMPTY,
                "resources": resources(),
            }
        )
        section = obj(
            {
                "grpc": obj({"request_timeout_ms": integer(1), "reflection": boolean()}),
                "database": obj({"max_connections": integer(1), "acquire_timeout_ms": integer(1)}),
                "outbox": obj(
                    {
                        "poll_interval_ms": integer(1),
                        "batch_size": integer(1),
                        "lease_ms": integer(1),
                        "publish_timeout_ms": integer(1),
                    }
                ),
                "pages": obj({"default_page_size": integer(1), "max_page_size": integer(1)}),
                "letters": obj(
                    {"number_prefix": string(minLength=1, maxLength=40)}
                ),
                "tracking": obj({"wrong_guesses_per_hour": integer(1, 1000)}),
                "escalation": obj(
                    {
                        "interval_ms": integer(1),
                        "lease_ms": integer(2),
                        "batch_size": integer(1),
                        "approaching_working_days": integer(1, 30),
                        "manager_warning_working_days": integer(1, 30),
                        "escalate_after_working_days": integer(1, 60),
                        "approaching_hours": integer(1, 720),
                        "manager_warning_hours": integer(1, 720),
                        "escalate_after_hours": integer(1, 720),
                    }
                ),
                "duplicates": obj(
                    {
                        "same_citizen_days": integer(1, 365),
                        "same_place_hours": integer(1, 720),
                        "same_place_metres": integer(10, 50000),
                    }
                ),
                "assignment": obj(
                    {
                        "default_capacity": integer(1, 1000),
                        "round_limit": integer(1, 10000),
                        "sweep_interval_ms": integer(1000, 3600000),
                    }
                ),
                "shutdown_timeout_ms": integer(1),
            }
        )
        props["config"] = obj(
            {
                "telemetry": TELEMETRY,
                "kafka": KAFKA_CLIENT,
                "bootstrap": obj({"admin_username": string(minLength=1)}),
                "case": section,
            }
        )
    elif name == "routing":
        props = common(kafka=True, ingress=False)
        props["secretKeys"] = obj({"databaseUrl": SECRET_KEY, "caseServiceToken": SECRET_KEY})
        props["caseService"] = case_service()
        props["config"] = obj(
            {
                "telemetry": TELEMETRY,
                "kafka": KAFKA_CLIENT,
                "routing": obj(
                    {
                        "case_service": obj({"timeout_ms": integer(1)}),
                        "consumer": obj(
                            {
                                "group": string(minLength=1),
                                "max_attempts": integer(1),
                                "initial_backoff_ms": integer(1),
                                "max_backoff_ms": integer(1),
                                "concurrency": integer(1, 1024),
                            }
                        ),
                        "urgent_categories": array(string(pattern=r"^[a-z0-9_]+$")),
                    }
                ),
            }
        )
    elif name == "reports":
        props = common(kafka=True, ingress=False)
        props["secretKeys"] = obj({"databaseUrl": SECRET_KEY, "caseServiceToken": SECRET_KEY})
        props["caseService"] = case_service()
        props["config"] = obj(
            {
                "telemetry": TELEMETRY,
                "kafka": KAFKA_CLIENT,
                "reports": obj(
                    {
                        "pg_max_connections": integer(1),
                        "case_service": obj({"timeout_ms": integer(1)}),
                        "consumer": obj(
                            {
                                "group": string(minLength=1),
                                "max_attempts": integer(1),
                                "initial_backoff_ms": integer(1),
                                "max_backoff_ms": integer(1),
                                "concurrency": integer(1, 64),
                            }
                        ),
                        "directory_cache_ms": integer(1),
                        "rebuild": obj({"idle_ms": integer(1)}),
                        "periodic": obj(
                            {
                                "enabled": boolean(),
                                "send_hour": integer(0, 23),
                                "poll_interval_ms": integer(1),
                                "lease_ms": integer(1),
                                "institution": string(),
                                "font_path": string(minLength=1),
                            }
                        ),
                    }
                ),
            }
        )
    elif name == "intake":
        props = common(kafka=True, ingress=True)
        props["secretKeys"] = obj(
            {
                k: SECRET_KEY
                for k in [
                    "databaseUrl",
                    "caseServiceToken",
                    "staffToken",
                    "imapPassword",
                    "ctiSigningSecret",
                    "ctiLookupToken",
                    "ctiCallerIndexKey",
                    "whatsappVerifyToken",
                    "whatsappAppSecret",
                    "messengerVerifyToken",
                    "messengerAppSecret",
                    "instagramVerifyToken",
                    "instagramAppSecret",
                    "xConsumerSecret",
                ]
            }
        )
        props["caseService"] = case_service()
        props["reportsService"] = obj({"enabled": boolean(), "url": URL_OR_EMPTY})
        props["partnerApi"] = obj({**extra_port(), "grpcReadiness": boolean()})
        props["caBundle"] = ca_bundle()
        props["config"] = obj(
            {
                "telemetry": TELEMETRY,
                "kafka": KAFKA_CLIENT,
                "intake": obj(
                    {
                        "http": obj({"body_limit_bytes": integer(1024), "request_timeout_ms": integer(1)}),
                        "rate_limit": obj(
                            {
                                "per_minute": integer(1),
                                "burst": integer(1),
                                "trusted_proxy_hops": integer(0, 255),
                            }
                        ),
                        "publish_timeout_ms": integer(1),
                        "case_service": obj({"timeout_ms": integer(1)}),
                        "kvkk_text_version": string(minLength=1),
                        **intake_channels(),
                    }
                ),
            }
        )
    elif name == "gateway":
        props = common(kafka=False, ingress=True)
        props["secretKeys"] = obj(
            {
                k: SECRET_KEY
                for k in [
                    "databaseUrl",
                    "caseServiceToken",
                    "staffToken",
                    "ctiLookupToken",
                    "signedLinkSecret",
                    "signedLinkPreviousSecrets",
                ]
            }
        )
        props["caseService"] = case_service()
        props["routingService"] = obj({"enabled": boolean(), "url": URL_OR_EMPTY})
        props["intakeService"] = obj({"enabled": boolean(), "url": URL_OR_EMPTY})
        props["notifyService"] = obj({"enabled": boolean(), "url": URL_OR_EMPTY})
        props["reportsService"] = obj({"enabled": boolean(), "url": URL_OR_EMPTY})
        props["config"] = obj(
            {
                "telemetry": TELEMETRY,
                "gateway": obj(
                    {
                        "case_service": obj({"timeout_ms": integer(1)}),
                        "session": obj({"idle_minutes": integer(1, 1440), "secure_cookies": boolean()}),
                        "tracking": obj(
                            {
                                "per_client_per_minute": integer(1),
                                "trusted_proxy_hops": integer(0, 255),
                            }
                        ),
                        "entry": obj(
                            {
                                "timeout_ms": integer(1),
                                "kvkk_text_version": KVKK_VERSION,
                                "font_path": string(pattern=r"^/.+"),
                            }
                        ),
                        # The record page's map: empty, or an http(s) tile
                        # address whose origin the pages' CSP can carry.
                        "map": obj(
                            {
                                "tile_url": string(pattern=r'^$|^https?://[A-Za-z0-9.:\[\]-]+/[^\s"<>;,\\]*$'),
                                "zoom": integer(1, 19),
                                "attribution": string(maxLength=200),
                            }
                        ),
                    }
                ),
            }
        )
    elif name == "notify":
        props = common(kafka=True, ingress=True)
        props["secretKeys"] = obj(
            {
                k: SECRET_KEY
                for k in [
                    "databaseUrl",
                    "caseServiceToken",
                    "gatewayApiToken",
                    "signedLinkSecret",
                    "signedLinkPreviousSecrets",
                    "surveyContactKey",
                ]
            }
        )
        props["caseService"] = case_service()
        props["providers"] = obj(
            {
                "existingSecret": NAME_OR_EMPTY,
                "secretKeys": obj(
                    {
                        k: SECRET_KEY
                        for k in ["netgsmUsername", "netgsmPassword", "webhookToken", "smtpUsername", "smtpPassword"]
                    }
                ),
                "socialTokens": array(
                    obj(
                        {
                            "platform": string(enum=["whatsapp", "messenger", "instagram", "x"]),
                            "accountId": string(pattern=r"^[0-9A-Za-z_.-]{1,64}$"),
                            "key": string(pattern=r"^[-._a-zA-Z0-9]+$", maxLength=253),
                        }
                    )
                ),
            }
        )
        props["reports"] = obj(extra_port())
        props["caBundle"] = ca_bundle()
        props["config"] = obj({"telemetry": TELEMETRY, "kafka": KAFKA_CLIENT, "notify": notify_section()})
    else:
        raise ValueError(name)
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"tekmerkez {name} chart values",
        **obj(props, required=[k for k in props if k != LIB]),
    }


def relaxed(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema without "required" on the objects reached through
    properties: values the chart's own defaults fill in. Array items keep
    theirs (a list from the user is not merged with anything)."""
    out = {k: v for k, v in schema.items() if k != "required"}
    if "properties" in out:
        out["properties"] = {k: relaxed(v) for k, v in out["properties"].items()}
    return out


def umbrella_schema() -> dict[str, Any]:
    props: dict[str, Any] = {"global": GLOBAL}
    for svc in SERVICES:
        sub = service_schema(svc)
        sub = {k: v for k, v in sub.items() if k not in ("$schema", "title")}
        # In the umbrella only the overrides are written, and a disabled
        # subchart's defaults are not merged in before validation.
        props[svc] = relaxed(sub)
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "tekmerkez umbrella chart values",
        **obj(props),
    }


def all_schemas() -> dict[str, dict[str, Any]]:
    out = {svc: service_schema(svc) for svc in SERVICES}
    out[UMBRELLA] = umbrella_schema()
    return out


def render_schema(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------
# Checks on the sources.


class Report:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.lines: list[str] = []

    def step(self, name: str, ok: bool, detail: str = "") -> None:
        mark = "ok  " if ok else "FAIL"
        self.lines.append(f"{mark} {name}" + (f": {detail}" if detail else ""))
        print(self.lines[-1], flush=True)
        if not ok:
            self.failures.append(name)


def strictness_problems(schema: Any, path: str = "") -> list[str]:
    """Objects without additionalProperties false (string maps aside) and leaves without a type."""
    problems: list[str] = []
    if not isinstance(schema, dict):
        return problems
    if "type" not in schema and "properties" not in schema:
        problems.append(f"{path or '/'}: no type")
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    if "object" in types:
        ap = schema.get("additionalProperties")
        if ap is not False and ap != {"type": "string"}:
            problems.append(f"{path or '/'}: object without additionalProperties: false")
    for key, sub in schema.get("properties", {}).items():
        problems += strictness_problems(sub, f"{path}/{key}")
    if isinstance(schema.get("items"), dict):
        problems += strictness_problems(schema["items"], f"{path}[]")
    return problems


def leaf_paths(values: Any, prefix: str = "") -> list[str]:
    """Dotted paths of the values' leaves (an empty map or a list is a leaf)."""
    if isinstance(values, dict) and values:
        out: list[str] = []
        for k, v in values.items():
            out += leaf_paths(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    return [prefix]


def documented_params(text: str) -> list[str]:
    return re.findall(r"^\s*## @param (\S+) \S", text, flags=re.M)


def check_docs(chart_dir: Path) -> list[str]:
    text = (chart_dir / "values.yaml").read_text(encoding="utf-8")
    values = yaml.safe_load(text) or {}
    documented = set(documented_params(text))
    leaves = set(leaf_paths(values))
    problems = [f"{p}: no '## @param' line" for p in sorted(leaves - documented)]
    for p in sorted(documented - leaves):
        # A documented parent of leaves (a section) is fine in the umbrella.
        if not any(leaf.startswith(p + ".") for leaf in leaves):
            problems.append(f"{p}: documented but not in values.yaml")
    return problems


# --------------------------------------------------------------------------
# Checks on rendered manifests.


def documents(rendered: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for source, text in sorted(rendered.items()):
        if source.endswith("NOTES.txt") or not text.strip():
            continue
        for doc in yaml.safe_load_all(text):
            if doc:
                out.append((source, doc))
    return out


SECRET_ENV = re.compile(r"(DATABASE_URL|DATABASE__URL|TOKEN|PASSWORD|SECRET|API_KEY|INDEX_KEY|NETGSM__USERNAME|SMTP__USERNAME)")


# Settings that hold secrets: never in a ConfigMap (token_sha256, a hash, is fine).
SECRET_SETTING = re.compile(
    r"^(token|password|app_secret|verify_token|consumer_secret|signing_secret|lookup_token"
    r"|caller_index_key|staff_token|cti_lookup_token|admin_password|database_url|api_tokens|service_tokens)$"
)


def secret_settings(tree: Any, path: str = "") -> list[str]:
    """Paths of secret-holding keys with a value in a settings tree."""
    out: list[str] = []
    if isinstance(tree, dict):
        for k, v in tree.items():
            p = f"{path}.{k}" if path else str(k)
            if SECRET_SETTING.match(str(k)) and v not in ("", None, {}):
                out.append(p)
            out += secret_settings(v, p)
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            out += secret_settings(v, f"{path}[{i}]")
    return out


def policy_problems(docs: list[tuple[str, dict[str, Any]]]) -> list[str]:
    problems: list[str] = []
    for source, doc in docs:
        kind = doc.get("kind")
        name = f"{kind}/{doc.get('metadata', {}).get('name')} ({source})"
        if kind == "ConfigMap":
            for p in secret_settings(yaml.safe_load(doc["data"].get("production.yaml", "")) or {}):
                problems.append(f"{name}: the secret setting {p} is in the ConfigMap")
        pod = None
        if kind == "Deployment":
            pod = doc["spec"]["template"]["spec"]
        elif kind == "Job":
            pod = doc["spec"]["template"]["spec"]
        if pod is None:
            continue
        psc = pod.get("securityContext", {})
        if psc.get("runAsNonRoot") is not True:
            problems.append(f"{name}: pod securityContext.runAsNonRoot is not true")
        for c in pod["containers"]:
            sc = c.get("securityContext", {})
            if sc.get("runAsNonRoot") is not True or sc.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{name}: container {c['name']} may run as root or write its root file system")
            if sc.get("allowPrivilegeEscalation") is not False or sc.get("capabilities", {}).get("drop") != ["ALL"]:
                problems.append(f"{name}: container {c['name']} keeps privileges or capabilities")
            res = c.get("resources", {})
            for part in ("requests", "limits"):
                if not {"cpu", "memory"} <= set(res.get(part, {})):
                    problems.append(f"{name}: container {c['name']} has no {part}.cpu/memory")
            if kind == "Deployment":
                for p in ("startupProbe", "livenessProbe", "readinessProbe"):
                    if p not in c:
                        problems.append(f"{name}: container {c['name']} has no {p}")
            for env in c.get("env", []):
                if SECRET_ENV.search(env["name"]) and "value" in env:
                    problems.append(f"{name}: {env['name']} is given in plain text, not from a Secret")
    return problems


def migration_hooks(docs: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [
        d
        for _, d in docs
        if d.get("kind") == "Job"
        and d.get("metadata", {}).get("annotations", {}).get("helm.sh/hook") == "pre-install,pre-upgrade"
        and d["spec"]["template"]["spec"]["containers"][0].get("args") == ["migrate"]
    ]


def find_binary() -> Path | None:
    """A built tekmerkez binary: $TEKMERKEZ_BIN, else the one scripts/dev and
    scripts/test build (release first). None when there is none."""
    import os  # noqa: PLC0415

    if os.environ.get("TEKMERKEZ_BIN"):
        return Path(os.environ["TEKMERKEZ_BIN"])
    target = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache" / "tekmerkez" / "target"))
    for profile in ("release", "debug"):
        if (target / profile / "tekmerkez").is_file():
            return target / profile / "tekmerkez"
    return None


# What `tekmerkez check-config <command>` prints when the settings would start it.
VALID_MESSAGE = "settings valid"


def dummy_secret(name: str) -> str:
    if "DATABASE" in name:
        return "postgres://user:password@127.0.0.1:1/tekmerkez"
    return "x" * 40


def binary_problems(binary: Path, docs: list[tuple[str, dict[str, Any]]]) -> tuple[int, list[str]]:
    """Checks each rendered pod's settings with the real binary's
    `check-config <the pod's command>` (every check the command makes before
    it connects to anything): the ConfigMap's production.yaml in
    TEKMERKEZ_CONFIG_DIR, the pod's literal env as is and placeholders for
    its Secret refs. Returns (pods checked, problems)."""
    import os  # noqa: PLC0415

    configmaps = {
        d["metadata"]["name"]: d["data"]["production.yaml"] for _, d in docs if d.get("kind") == "ConfigMap"
    }
    checked, problems = 0, []
    for _, doc in docs:
        if doc.get("kind") not in ("Deployment", "Job"):
            continue
        pod = doc["spec"]["template"]["spec"]
        container = pod["containers"][0]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        for e in container.get("env", []):
            env[e["name"]] = e["value"] if "value" in e else dummy_secret(e["name"])
        config = None
        for v in pod.get("volumes", []):
            if v["name"] == "config" and "configMap" in v:
                config = configmaps[v["configMap"]["name"]]
        command = (container.get("args") or ["?"])[0]
        out = load_settings(binary, env, config, command)
        checked += 1
        if VALID_MESSAGE not in out:
            tail = " ".join(out.strip().splitlines()[-3:])
            problems.append(f"{doc['kind']}/{doc['metadata']['name']}: the binary did not load its settings: {tail}")
        elif config is not None:
            # The check would be worth nothing if the binary took any file:
            # the same pod's file with one unknown key in its own section
            # must be refused, by that key's name.
            bad = yaml.safe_load(config)
            section = next(k for k in bad if k not in ("telemetry", "kafka"))
            bad[section]["surely_not_a_setting"] = 1
            out = load_settings(binary, env, yaml.safe_dump(bad, allow_unicode=True), command)
            if VALID_MESSAGE in out or "surely_not_a_setting" not in out:
                problems.append(
                    f"{doc['kind']}/{doc['metadata']['name']}: the binary took a file with an unknown key "
                    f"{section}.surely_not_a_setting"
                )
    return checked, problems


def load_settings(binary: Path, env: dict[str, str], config: str | None, command: str) -> str:
    """Runs `tekmerkez check-config COMMAND` with env and config as the pod's
    production.yaml; returns what it printed."""
    import subprocess  # noqa: PLC0415

    env = {**env, "RUST_BACKTRACE": "0"}
    with tempfile.TemporaryDirectory(prefix="tekmerkez-config-") as cfg:
        if config is not None:
            (Path(cfg) / "production.yaml").write_text(config, encoding="utf-8")
        env["TEKMERKEZ_CONFIG_DIR"] = cfg
        try:
            run = subprocess.run(
                [str(binary), "check-config", command],
                env=env,
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
            return run.stdout + run.stderr
        except subprocess.TimeoutExpired:
            return "timed out"


# --------------------------------------------------------------------------
# Scenario values.

FEATURES: dict[str, Any] = {
    # Every optional part on, so their templates are rendered and validated too.
    "global": {"imagePullSecrets": ["registry"], "image": {"tag": "1.2.3"}},
    "podAnnotations": {"example.org/scrape": "true"},
    "podLabels": {"team": "operations"},
    "metrics": {"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}]},
    "nodeSelector": {"kubernetes.io/os": "linux"},
    "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "tekmerkez", "effect": "NoSchedule"}],
    "autoscaling": {"enabled": True, "minReplicas": 2, "maxReplicas": 5, "targetMemoryUtilizationPercentage": 80},
    "service": {"type": "LoadBalancer", "externalTrafficPolicy": "Local", "annotations": {"a": "b"}},
    "serviceAccount": {"annotations": {"example.org/role": "x"}},
    "extraEnv": [{"name": "RUST_LOG", "value": "info"}],
    "customLivenessProbe": {"tcpSocket": {"port": 1234}, "periodSeconds": 20},
    "networkPolicy": {
        "allowExternal": False,
        "ingressFrom": [
            {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}},
            {"ipBlock": {"cidr": "10.0.0.0/8"}},
        ],
        "egress": {"enabled": True, "to": [{"cidr": "10.20.0.0/16", "ports": [5432, 9092]}]},
    },
}
FEATURES_INGRESS = {
    "ingress": {
        "enabled": True,
        "className": "nginx",
        "annotations": {"nginx.ingress.kubernetes.io/proxy-body-size": "2m"},
        "hosts": [{"host": "example.gov.tr", "paths": [{"path": "/", "pathType": "Prefix"}]}],
        "tls": [{"secretName": "example-tls", "hosts": ["example.gov.tr"]}],
    }
}


# What a release must say itself (no default can be right): the institution
# and the public tracking page citizens are told about (notify, the gateway).
REQUIRED: dict[str, Any] = {
    "global": {"institution": "Kocaeli İSU Alo 185 Çözüm Merkezi", "trackingUrl": "https://alo185.example.gov.tr/takip"}
}

ACCOUNT = [{"id": "106540352242922", "province_code": 41, "category": "su_arizasi"}, {"id": "*", "province_code": 41, "category": "diger"}]
PEERS = [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}, {"ipBlock": {"cidr": "192.0.2.0/24"}}]

# Every channel and provider on, so their ports, env and config are rendered
# and loaded by the binary too.
FEATURES_BY_SERVICE: dict[str, dict[str, Any]] = {
    "intake": {
        "partnerApi": {"ingressFrom": PEERS},
        "caBundle": {"configMap": "belediye-ca", "key": "belediye-ca.pem"},
        "config": {
            "intake": {
                "email": {
                    "enabled": True,
                    "imap": {"host": "imap.example.gov.tr", "tls": "starttls", "port": 143},
                },
                "social": {
                    ch: {"enabled": True, "accounts": ACCOUNT} for ch in ("whatsapp", "messenger", "instagram", "x")
                },
                "partner": {
                    "enabled": True,
                    "partners": [
                        {"id": "cimer", "name": "CİMER", "token_sha256": "0" * 64, "per_minute": 600, "burst": 50}
                    ],
                },
                "open311": {
                    "enabled": True,
                    "jurisdiction_id": "izmitsu.gov.tr",
                    "clients": [
                        {
                            "id": "belediye-uygulamasi",
                            "name": "Belediye uygulaması",
                            "api_key_sha256": "1" * 64,
                            "per_minute": 120,
                            "burst": 30,
                            "kvkk_text_version": "belediye-kvkk-v1",
                        }
                    ],
                },
                "cti": {"enabled": True, "default_province_code": 34},
                "staff": {"enabled": True},
            }
        },
    },
    "notify": {
        "providers": {
            "existingSecret": "sms-provider",
            "socialTokens": [
                {"platform": "whatsapp", "accountId": "106540352242922", "key": "whatsapp-token"},
                {"platform": "messenger", "accountId": "682498302938465", "key": "page-token"},
            ],
        },
        "caBundle": {"configMap": "belediye-ca"},
        "reports": {"ingressFrom": PEERS},
        "ingress": {
            "enabled": True,
            "className": "nginx",
            "hosts": [{"host": "bildirim.example.gov.tr", "paths": [{"path": "/v1/delivery-reports", "pathType": "Prefix"}]}],
            "tls": [{"secretName": "bildirim-tls", "hosts": ["bildirim.example.gov.tr"]}],
        },
        "config": {
            "notify": {
                "sms": {"order": ["netgsm", "webhook"], "webhook": {"url": "https://sms.example.gov.tr/send"}},
                "email": {"smtp": {"port": 465, "tls": "wrapper"}},
                "quiet_hours": {"start": "22:30", "end": "08:00"},
                "default_locale": "en",
                "social": {
                    "whatsapp": {"enabled": True, "template": {"name": "basvuru_bilgilendirme"}},
                    "messenger": {"enabled": True, "human_agent": True},
                },
            }
        },
    },
    "gateway": {
        "intakeService": {"url": "http://intake.example:8081"},
        "notifyService": {"url": "http://notify.example:50053"},
        "reportsService": {"url": "http://reports.example:50055"},
        "config": {"gateway": {"entry": {"font_path": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "timeout_ms": 3000}}},
    },
}


def merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """base with over merged in, maps key by key (lists replaced)."""
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else copy.deepcopy(v)
    return out


def features_for(svc: str) -> dict[str, Any]:
    v = copy.deepcopy(FEATURES)
    if svc in ("intake", "gateway", "notify"):
        v.update(copy.deepcopy(FEATURES_INGRESS))
    return merged(v, FEATURES_BY_SERVICE.get(svc, {}))


def broken_unknown(svc: str) -> dict[str, Any]:
    return {"resources": {"requests": {"cpu": "1", "memory": "1Gi", "gpu": "1"}}, "replicaCont": 3}


def broken_type(svc: str) -> dict[str, Any]:
    return {"replicaCount": "three"}


def broken_nested_type(svc: str) -> dict[str, Any]:
    return {"config": {"telemetry": {"log_format": 7}}}


# A mistyped key deep in each chart's own settings.
MISTYPED_SETTING: dict[str, dict[str, Any]] = {
    "case": {"config": {"case": {"outbox": {"batch_sise": 10}}}},
    "routing": {"config": {"routing": {"consumer": {"groupp": "x"}}}},
    "reports": {"config": {"reports": {"rebuild": {"idle": 5}}}},
    "intake": {"config": {"intake": {"email": {"imap": {"hots": "imap.example"}}}}},
    "notify": {"config": {"notify": {"sms": {"netgsm": {"msgheadr": "X"}}}}},
    "gateway": {"config": {"gateway": {"entry": {"fontpath": "/x.ttf"}}}},
}


def broken_nested_key(svc: str) -> dict[str, Any]:
    return copy.deepcopy(MISTYPED_SETTING[svc if svc in MISTYPED_SETTING else "gateway"])


# --------------------------------------------------------------------------


def build_charts(src: Path, dst: Path, helm: Any) -> Path:
    """Copies charts/ to dst and builds the file:// dependencies there."""
    charts = dst / "charts"
    shutil.copytree(src, charts, ignore=shutil.ignore_patterns("charts", "Chart.lock", "*.tgz"))
    for svc in SERVICES:
        helm.dependency_update(str(charts / svc), skip_refresh=True)
    helm.dependency_update(str(charts / UMBRELLA), skip_refresh=True)
    return charts


def main() -> int:
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, default=here.parent, help="repository root (default: this script's)")
    ap.add_argument("--write-schemas", action="store_true")
    ap.add_argument("--values", type=Path, action="append", default=[], help="more umbrella values files")
    ap.add_argument("--package", type=Path, help="write the umbrella .tgz into this directory")
    ap.add_argument("--no-binary", action="store_true", help="skip loading the settings with a built tekmerkez")
    args = ap.parse_args()
    root: Path = args.root.resolve()
    charts_src = root / "charts"
    production = root / "infra" / "production-values.yaml"
    started = time.monotonic()

    schemas = all_schemas()
    if args.write_schemas:
        for chart, schema in schemas.items():
            (charts_src / chart / "values.schema.json").write_text(render_schema(schema), encoding="utf-8")
            print(f"wrote charts/{chart}/values.schema.json")
        return 0

    import helm_python as helm  # noqa: PLC0415 (after the cheap checks' imports)
    import kubernetes_validate  # noqa: PLC0415

    r = Report()

    # 1. Sources.
    for chart, schema in schemas.items():
        path = charts_src / chart / "values.schema.json"
        committed = path.read_text(encoding="utf-8") if path.exists() else ""
        r.step(
            f"schema {chart}: matches the generator",
            committed == render_schema(schema),
            "" if committed == render_schema(schema) else "run scripts/lint-charts --write-schemas",
        )
        problems = strictness_problems(json.loads(committed) if committed else {})
        r.step(f"schema {chart}: strict", not problems, "; ".join(problems[:5]))
        doc_problems = check_docs(charts_src / chart)
        r.step(f"values {chart}: every key documented", not doc_problems, "; ".join(doc_problems[:5]))

    with tempfile.TemporaryDirectory(prefix="tekmerkez-charts-") as tmp:
        # 2. Dependencies.
        try:
            charts = build_charts(charts_src, Path(tmp), helm)
            r.step("dependencies: file:// charts built in a temporary copy", True)
        except Exception as e:  # noqa: BLE001
            r.step("dependencies: file:// charts built in a temporary copy", False, str(e))
            return finish(r, started)

        # 3. Lint.
        for chart in [LIB, *SERVICES, UMBRELLA]:
            # With what a release must set (helm lint --set global.institution=…).
            report = helm.lint(
                str(charts / chart),
                None if chart == LIB else copy.deepcopy(REQUIRED),
                strict=True,
                with_subcharts=True,
                kube_version="v" + KUBE_VERSION,
            )
            bad = [m for m in report["messages"] if m["severity"] >= 2] + [
                {"path": "", "error": e} for e in report["errors"]
            ]
            # "icon is recommended" is an info message; anything above fails.
            r.step(
                f"helm lint --strict {chart}",
                not bad,
                "; ".join(f"{m['path']}: {m['error']}" for m in bad[:5]),
            )

        # 4 and 5. Schema, render, Kubernetes validation.
        scenarios: list[tuple[str, str, dict[str, Any]]] = []
        for svc in SERVICES:
            scenarios.append((svc, "defaults", copy.deepcopy(REQUIRED)))
            scenarios.append((svc, "every option on", merged(features_for(svc), REQUIRED)))
        scenarios.append((UMBRELLA, "defaults", copy.deepcopy(REQUIRED)))
        all_on = {svc: {"enabled": True, **features_for(svc)} for svc in SERVICES}
        all_on = merged(all_on, REQUIRED)
        scenarios.append((UMBRELLA, "every service and option on", all_on))
        value_files = [production, *args.values]
        for f in value_files:
            try:
                vals = helm.values_from_yaml(f.read_text(encoding="utf-8"))
            except Exception as e:  # noqa: BLE001
                r.step(f"values file {f}", False, str(e))
                continue
            scenarios.append((UMBRELLA, f.name, vals))

        manifests_checked = 0
        binary = None if args.no_binary else find_binary()
        if binary is None:
            r.lines.append("skip the settings check with the real binary: no tekmerkez binary built (TEKMERKEZ_BIN)")
            print(r.lines[-1])
        for chart, label, vals in scenarios:
            name = f"{chart} with {label}"
            loaded = helm.Chart.load(str(charts / chart))
            try:
                loaded.validate_schema(vals)
                r.step(f"schema accepts {name}", True)
            except Exception as e:  # noqa: BLE001
                r.step(f"schema accepts {name}", False, str(e).strip().replace("\n", " "))
                continue
            try:
                rendered = loaded.render(vals, name=RELEASE, namespace=NAMESPACE, is_install=True)
            except Exception as e:  # noqa: BLE001
                r.step(f"render {name}", False, str(e).strip().replace("\n", " "))
                continue
            docs = documents(rendered)
            kinds = sorted({d["kind"] for _, d in docs})
            r.step(f"render {name}", bool(docs), f"{len(docs)} objects: {', '.join(kinds)}")
            errors = []
            for source, doc in docs:
                try:
                    kubernetes_validate.validate(doc, KUBE_VERSION, strict=True)
                except Exception as e:  # noqa: BLE001
                    errors.append(f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')} ({source}): {e}")
            manifests_checked += len(docs)
            r.step(f"kubernetes {KUBE_VERSION} strict schema: {name}", not errors, "; ".join(errors[:3]))
            problems = policy_problems(docs)
            if chart == UMBRELLA or chart == "case":
                hooks = migration_hooks(docs)
                if len(hooks) != 1:
                    problems.append(f"{len(hooks)} migration hook Jobs (want exactly 1)")
            r.step(f"project rules: {name}", not problems, "; ".join(problems[:5]))
            if binary is not None:
                checked, problems = binary_problems(binary, docs)
                r.step(f"the tekmerkez binary loads every pod's settings: {name}", not problems,
                       f"{checked} pods" if not problems else "; ".join(problems[:3]))

        # 6. Rejections.
        for chart in [*SERVICES, UMBRELLA]:
            loaded = helm.Chart.load(str(charts / chart))
            for what, make in [
                ("an unknown key", broken_unknown),
                ("a mistyped value", broken_type),
                ("a mistyped nested value", broken_nested_type),
                ("a mistyped key in its settings", broken_nested_key),
            ]:
                vals = make(chart)
                if chart == UMBRELLA:
                    vals = {"gateway": vals}
                # With what a release must set, so the refusal is the schema's.
                vals = merged(vals, REQUIRED)
                rejected = []
                for fn in ("validate_schema", "render"):
                    try:
                        if fn == "render":
                            loaded.render(vals, name=RELEASE, namespace=NAMESPACE)
                        else:
                            loaded.validate_schema(vals)
                        rejected.append(False)
                    except helm.HelmValuesError:
                        rejected.append(True)
                r.step(f"{chart} rejects {what}", all(rejected), "" if all(rejected) else "ACCEPTED")
        loaded = helm.Chart.load(str(charts / UMBRELLA))
        for what, vals in [
            ("an unknown top-level key", {"gatewy": {"enabled": True}}),
            ("an unknown global key", {"global": {"kafka": {"broker": "x:9092"}}}),
            ("a plain-text secret in extraEnv", {"case": {"extraEnv": [{"name": "TEKMERKEZ__CASE__DATABASE__URL", "value": "postgres://u:p@db/x"}]}}),
            ("a social channel on without an account", {"intake": {"config": {"intake": {"social": {"x": {"enabled": True}}}}}}),
            ("a partner's token in place of its SHA-256", {"intake": {"config": {"intake": {"partner": {"partners": [{"id": "cimer", "name": "CİMER", "token_sha256": "the-token-itself-is-never-configured", "per_minute": 1, "burst": 1}]}}}}}),
            ("a mistyped notify setting", {"notify": {"config": {"notify": {"quiet_hours": {"start": "9pm"}}}}}),
            ("the development SMS sink", {"notify": {"config": {"notify": {"sms": {"order": ["dev"]}}}}}),
        ]:
            try:
                loaded.validate_schema(vals)
                r.step(f"{UMBRELLA} rejects {what}", False, "ACCEPTED")
            except helm.HelmValuesError:
                r.step(f"{UMBRELLA} rejects {what}", True)

        # Refused when rendered: what only the templates can see.
        for what, vals, message in [
            ("no global.institution and global.trackingUrl", {}, "set global.institution"),
            (
                "notify's WhatsApp replies on without an account's token",
                {"notify": {"config": {"notify": {"social": {"whatsapp": {"enabled": True}}}}}},
                "add {platform: whatsapp, accountId, key} to providers.socialTokens",
            ),
            (
                "notify's report port exposed without the webhook token",
                {"notify": {"reports": {"allowExternal": True}}},
                "without the webhook token",
            ),
            (
                "staff entry with the two sides reading different keys",
                {"gateway": {"secretKeys": {"staffToken": "another-key"}}},
                "must name the same key",
            ),
            (
                "the gateway's entry screens with intake's staff entry off",
                {"intake": {"config": {"intake": {"staff": {"enabled": False}}}}},
                "needs intake.config.intake.staff.enabled",
            ),
            (
                "the citizens' links signed and verified with different keys",
                {"gateway": {"secretKeys": {"signedLinkSecret": "another-key"}}},
                "signedLinkSecret",
            ),
            (
                "the delivery log with notify off",
                {"notify": {"enabled": False}},
                "needs notify.enabled",
            ),
            (
                "the staff entry on without its Secret key",
                {"intake": {"secretKeys": {"staffToken": ""}}},
                "secretKeys.staffToken",
            ),
        ]:
            vals = vals if not vals else merged(vals, REQUIRED)
            try:
                loaded.render(vals, name=RELEASE, namespace=NAMESPACE)
                r.step(f"{UMBRELLA} refuses to render {what}", False, "RENDERED")
            except helm.HelmError as e:
                r.step(f"{UMBRELLA} refuses to render {what}", message in str(e), str(e).strip()[:200])

        # The relay's one SMTPUTF8 setting reaches both services that read it
        # (a chart loaded afresh: a render keeps the values it was given).
        for flag in (False, True):
            vals = merged({"global": {"smtputf8": flag}}, REQUIRED)
            seen: dict[str, object] = {}
            fresh = helm.Chart.load(str(charts / UMBRELLA))
            try:
                for _, doc in documents(fresh.render(vals, name=RELEASE, namespace=NAMESPACE)):
                    if doc.get("kind") != "ConfigMap":
                        continue
                    for text in (doc.get("data") or {}).values():
                        config = yaml.safe_load(text) if isinstance(text, str) else None
                        if isinstance(config, dict) and "notify" in config:
                            name = doc["metadata"]["name"].removeprefix(f"{RELEASE}-")
                            seen[name] = ((config.get("notify") or {}).get("email") or {}).get("smtputf8")
                ok = seen.get("intake") is flag and seen.get("notify") is flag
                r.step(f"{UMBRELLA} gives intake and notify global.smtputf8={flag}", ok, str(seen))
            except helm.HelmError as e:
                r.step(f"{UMBRELLA} gives intake and notify global.smtputf8={flag}", False, str(e)[:200])

        if args.package:
            args.package.mkdir(parents=True, exist_ok=True)
            out = helm.package(str(charts / UMBRELLA), destination=str(args.package.resolve()))
            r.step("package", True, out)
        r.lines.append(f"{manifests_checked} rendered objects validated against Kubernetes {KUBE_VERSION}")
        print(r.lines[-1])
    return finish(r, started)


def finish(r: Report, started: float) -> int:
    passed = sum(1 for line in r.lines if line.startswith("ok  "))
    print()
    print(f"charts: {passed} passed, {len(r.failures)} failed ({time.monotonic() - started:.1f} s)")
    for f in r.failures:
        print(f"  failed: {f}")
    return 1 if r.failures else 0


if __name__ == "__main__":
    sys.exit(main())
