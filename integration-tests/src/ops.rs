//! What the operations tests share: a local OTLP receiver (the real
//! `opentelemetry.proto.collector.trace.v1.TraceService/Export` over gRPC,
//! as a collector answers it), an SMS webhook stand-in speaking notify's
//! documented webhook contract and recording the trace context it was sent,
//! and a scraper for `/metrics`.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use opentelemetry_proto::tonic::{
    collector::trace::v1::{
        ExportTraceServiceRequest, ExportTraceServiceResponse,
        trace_service_server::{TraceService, TraceServiceServer},
    },
    common::v1::{AnyValue, KeyValue, any_value},
};
use tekmerkez_telemetry::metrics::Sample;

/// One span as the receiver got it.
#[derive(Debug, Clone)]
pub struct ReceivedSpan {
    /// The exporting process's `service.name`.
    pub service: String,
    /// Hex trace id.
    pub trace_id: String,
    /// Hex span id.
    pub span_id: String,
    /// Hex parent span id (empty for a root).
    pub parent_span_id: String,
    /// The span's name.
    pub name: String,
    /// Every string the span carries: attribute keys and values, event
    /// names and their attributes, the status message, link attributes.
    pub texts: Vec<String>,
    /// Attributes as `key=value`.
    pub attributes: Vec<(String, String)>,
}

/// The OTLP/gRPC receiver.
#[derive(Clone, Default)]
pub struct OtlpReceiver {
    spans: Arc<Mutex<Vec<ReceivedSpan>>>,
}

fn value_text(v: &Option<AnyValue>) -> String {
    match v.as_ref().and_then(|v| v.value.as_ref()) {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::DoubleValue(d)) => d.to_string(),
        Some(any_value::Value::BytesValue(b)) => String::from_utf8_lossy(b).into_owned(),
        Some(any_value::Value::ArrayValue(a)) => a
            .values
            .iter()
            .map(|v| value_text(&Some(v.clone())))
            .collect::<Vec<_>>()
            .join(","),
        Some(any_value::Value::KvlistValue(kv)) => kv
            .values
            .iter()
            .map(|kv| format!("{}={}", kv.key, value_text(&kv.value)))
            .collect::<Vec<_>>()
            .join(","),
        None => String::new(),
    }
}

fn pairs(kvs: &[KeyValue]) -> Vec<(String, String)> {
    kvs.iter()
        .map(|kv| (kv.key.clone(), value_text(&kv.value)))
        .collect()
}

#[tonic::async_trait]
impl TraceService for OtlpReceiver {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let mut got = Vec::new();
        for rs in request.into_inner().resource_spans {
            let resource = rs
                .resource
                .map(|r| pairs(&r.attributes))
                .unwrap_or_default();
            let service = resource
                .iter()
                .find(|(k, _)| k == "service.name")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            for ss in rs.scope_spans {
                for s in ss.spans {
                    let attributes = pairs(&s.attributes);
                    let mut texts = vec![s.name.clone()];
                    for (k, v) in &attributes {
                        texts.push(k.clone());
                        texts.push(v.clone());
                    }
                    for e in &s.events {
                        texts.push(e.name.clone());
                        for (k, v) in pairs(&e.attributes) {
                            texts.push(k);
                            texts.push(v);
                        }
                    }
                    for l in &s.links {
                        for (k, v) in pairs(&l.attributes) {
                            texts.push(k);
                            texts.push(v);
                        }
                    }
                    if let Some(st) = &s.status {
                        texts.push(st.message.clone());
                    }
                    got.push(ReceivedSpan {
                        service: service.clone(),
                        trace_id: hex::encode(&s.trace_id),
                        span_id: hex::encode(&s.span_id),
                        parent_span_id: hex::encode(&s.parent_span_id),
                        name: s.name,
                        texts,
                        attributes,
                    });
                }
            }
        }
        self.spans.lock().unwrap().extend(got);
        Ok(tonic::Response::new(ExportTraceServiceResponse {
            partial_success: None,
        }))
    }
}

impl OtlpReceiver {
    /// Starts the receiver on a free loopback port; its endpoint URL.
    pub async fn start() -> (Self, String) {
        let receiver = Self::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let svc = TraceServiceServer::new(receiver.clone());
        tokio::spawn(async move {
            tonic::transport::Server::builder()
                .add_service(svc)
                .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener))
                .await
                .unwrap();
        });
        (receiver, format!("http://{addr}"))
    }

    /// Every span received so far.
    pub fn spans(&self) -> Vec<ReceivedSpan> {
        self.spans.lock().unwrap().clone()
    }
}

/// One SMS the webhook stand-in took.
#[derive(Debug, Clone)]
pub struct WebhookSms {
    /// The E.164 number.
    pub to: String,
    /// The `traceparent` header of the request, if any.
    pub traceparent: Option<String>,
}

/// notify's webhook SMS contract (`services/notify/src/sms/webhook.rs`):
/// `POST` JSON with `message_id`, `to`, `text`; `200 {"id", "status": "accepted"}`,
/// the same id again for a repeated `message_id`.
#[derive(Clone, Default)]
pub struct WebhookStandIn {
    got: Arc<Mutex<Vec<(String, WebhookSms)>>>,
}

impl WebhookStandIn {
    /// Starts it; its URL.
    pub async fn start() -> (Self, String) {
        use axum::{Json, Router, http::HeaderMap, routing::post};
        let me = Self::default();
        let got = me.got.clone();
        let app = Router::new().route(
            "/sms",
            post(
                move |headers: HeaderMap, Json(body): Json<serde_json::Value>| {
                    let got = got.clone();
                    async move {
                        let id = body["message_id"].as_str().unwrap_or_default().to_owned();
                        let mut got = got.lock().unwrap();
                        if !got.iter().any(|(m, _)| *m == id) {
                            got.push((
                                id.clone(),
                                WebhookSms {
                                    to: body["to"].as_str().unwrap_or_default().to_owned(),
                                    traceparent: headers
                                        .get("traceparent")
                                        .and_then(|v| v.to_str().ok())
                                        .map(str::to_owned),
                                },
                            ));
                        }
                        Json(serde_json::json!({ "id": format!("ref-{id}"), "status": "accepted" }))
                    }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (me, format!("http://{addr}/sms"))
    }

    /// What it took, one entry per message id.
    pub fn sent(&self) -> Vec<WebhookSms> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .map(|(_, s)| s.clone())
            .collect()
    }
}

/// Scrapes `url` (a `/metrics` endpoint) and parses the text format.
pub async fn scrape(url: &str) -> Vec<Sample> {
    let text = reqwest::get(url)
        .await
        .unwrap_or_else(|e| panic!("scraping {url}: {e}"))
        .error_for_status()
        .unwrap()
        .text()
        .await
        .unwrap();
    tekmerkez_telemetry::metrics::parse(&text)
        .unwrap_or_else(|e| panic!("{url} is not the Prometheus text format: {e}\n{text}"))
}

/// The sum of `name`'s samples whose labels include every `(key, value)` of `labels`.
pub fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|s| s.name == name && labels.iter().all(|(k, v)| s.label(k) == Some(v)))
        .map(|s| s.value)
        .sum()
}
