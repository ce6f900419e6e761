//! A gRPC call whose message is whatever bytes the test gives: a real
//! HTTP/2 request with a real gRPC frame (flag, length, message), for
//! truncated or garbled protobuf that no generated client would send.

use bytes::{Buf as _, BufMut as _};
use tonic::{
    Request, Status,
    codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder},
    codegen::http::uri::PathAndQuery,
    transport::Channel,
};

/// Writes its bytes as the frame's message and ignores the answer's.
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

/// Calls `path` (`/package.Service/Method`) on `channel` with `request`'s
/// metadata and its bytes as the message: `Ok(())` when the server answered
/// OK, else its status.
///
/// # Errors
/// The status the server answered with.
pub async fn call(
    channel: Channel,
    path: &'static str,
    request: Request<Vec<u8>>,
) -> Result<(), Status> {
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready()
        .await
        .map_err(|e| Status::unavailable(e.to_string()))?;
    grpc.unary(request, PathAndQuery::from_static(path), RawCodec)
        .await
        .map(|_| ())
}
