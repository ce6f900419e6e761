//! Bytes that are not the message they claim to be: a gRPC frame whose
//! protobuf is cut short or garbled is the caller's mistake
//! (INVALID_ARGUMENT), never INTERNAL, and writes nothing.

use bytes::{Buf as _, BufMut as _};
use prost::Message as _;
use tonic::{
    Code, Status,
    codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder},
    codegen::http::uri::PathAndQuery,
};

use crate::{both_stores, helpers::*};

/// Sends its bytes as the frame's message, unchecked, and ignores the answer's.
#[derive(Default)]
struct RawCodec;

struct RawEncoder;
struct IgnoringDecoder;

impl Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = ();
    type Encoder = RawEncoder;
    type Decoder = IgnoringDecoder;
    fn encoder(&mut self) -> RawEncoder {
        RawEncoder
    }
    fn decoder(&mut self) -> IgnoringDecoder {
        IgnoringDecoder
    }
}

impl Encoder for RawEncoder {
    type Item = Vec<u8>;
    type Error = Status;
    fn encode(&mut self, item: Vec<u8>, buf: &mut EncodeBuf<'_>) -> Result<(), Status> {
        buf.put_slice(&item);
        Ok(())
    }
}

impl Decoder for IgnoringDecoder {
    type Item = ();
    type Error = Status;
    fn decode(&mut self, buf: &mut DecodeBuf<'_>) -> Result<Option<()>, Status> {
        buf.advance(buf.remaining());
        Ok(Some(()))
    }
}

/// One unary call of `path` carrying `bytes` as its message.
async fn raw_call(addr: std::net::SocketAddr, path: &'static str, bytes: Vec<u8>) -> Status {
    let channel = tonic::transport::Channel::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.unwrap();
    grpc.unary(
        with_token(ROUTING_TOKEN, bytes),
        PathAndQuery::from_static(path),
        RawCodec,
    )
    .await
    .expect_err("bytes that are not the message are refused")
}

both_stores! {
    async fn a_truncated_or_garbled_create_case_is_invalid_argument_not_internal(app) {
        let whole = app.application(&app.org.ankara_water.clone(), 6, "Çankaya").encode_to_vec();
        let path = "/tekmerkez.case.v1.CaseService/CreateCase";
        // Cut inside the text field, a lone tag byte, and a varint that never ends.
        for bytes in [whole[..whole.len() - 3].to_vec(), vec![0x0a], vec![0x08, 0xff, 0xff]] {
            let status = raw_call(app.addr, path, bytes.clone()).await;
            assert_eq!(status.code(), Code::InvalidArgument, "{} bytes: {status:?}", bytes.len());
        }
        assert_eq!(app.case_count().await, 0);
    }
}
