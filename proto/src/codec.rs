//! The codec every generated service and client uses: prost's, except that
//! a message that does not decode is the caller's mistake. tonic-prost maps
//! a decode error to `INTERNAL` (gRPC's status-code guide files "could not
//! parse" under it), so a truncated or malformed request looked like our
//! fault and hid the bad input; the contract answers bad input with
//! `INVALID_ARGUMENT`. Encoding is prost's unchanged.
//!
//! The generated clients use the same codec (tonic-prost-build takes one
//! `codec_path`), so an answer from one of our servers that does not decode
//! also surfaces as `INVALID_ARGUMENT` on the calling side; both ends are
//! ours and built from the same protos, so that means a version mismatch,
//! which the message says.

use std::marker::PhantomData;

use tonic::{
    Status,
    codec::{BufferSettings, Codec, DecodeBuf, Decoder},
};
use tonic_prost::{ProstCodec, ProstDecoder, ProstEncoder};

/// `application/grpc+proto` through prost, decode errors as `INVALID_ARGUMENT`.
#[derive(Debug, Clone)]
pub struct ProtoCodec<T, U> {
    _pd: PhantomData<(T, U)>,
}

impl<T, U> Default for ProtoCodec<T, U> {
    fn default() -> Self {
        Self { _pd: PhantomData }
    }
}

impl<T, U> Codec for ProtoCodec<T, U>
where
    T: prost::Message + Send + 'static,
    U: prost::Message + Default + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = ProstEncoder<T>;
    type Decoder = ProtoDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        ProstCodec::<T, U>::raw_encoder(BufferSettings::default())
    }

    fn decoder(&mut self) -> Self::Decoder {
        ProtoDecoder(ProstCodec::<T, U>::raw_decoder(BufferSettings::default()))
    }
}

/// prost's decoder with its errors answered as `INVALID_ARGUMENT`.
#[derive(Debug, Clone)]
pub struct ProtoDecoder<U>(ProstDecoder<U>);

impl<U: prost::Message + Default> Decoder for ProtoDecoder<U> {
    type Item = U;
    type Error = Status;

    fn decode(&mut self, buf: &mut DecodeBuf<'_>) -> Result<Option<U>, Status> {
        // prost's decoder fails only when the bytes are not a `U`; its
        // message names the field and the wire problem, never a value.
        self.0.decode(buf).map_err(|s| {
            Status::invalid_argument(format!(
                "the message is not a valid protobuf encoding of its type ({})",
                s.message()
            ))
        })
    }

    fn buffer_settings(&self) -> BufferSettings {
        self.0.buffer_settings()
    }
}
