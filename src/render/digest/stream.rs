//! A serde serializer that writes a view's serde data model into a digest's bytes instead of
//! making a template value of it: a view's digest costs a copy of its strings, not a map of
//! allocated values (see [`super::PageContext::insert_view`]).
//!
//! Every value starts with a byte naming its kind, strings and byte strings carry their length,
//! struct fields their names, and sequences, maps and structs end with a mark that starts no
//! value: so two different values never write the same bytes, whatever fields a view skips
//! (`skip_serializing_if`) or flattens. Integers are written as Tera holds them (64-bit signed or
//! unsigned), so a view's digest changes only with what a template can see. serde_json gives
//! the same guarantee, but escapes every string on the way: an article's text made that a tenth
//! of a build in which nothing changed. Crates that serialize into a hasher leave out field names
//! or refuse sequences of unknown length (`#[serde(flatten)]` makes one).

use serde::ser::{self, Serialize};

/// The kinds of value, each written before the value.
mod kind {
    pub const BOOL: u8 = 1;
    pub const I64: u8 = 2;
    pub const U64: u8 = 3;
    pub const I128: u8 = 4;
    pub const U128: u8 = 5;
    pub const F64: u8 = 6;
    pub const STR: u8 = 7;
    pub const BYTES: u8 = 8;
    pub const NONE: u8 = 9;
    pub const SOME: u8 = 10;
    pub const UNIT: u8 = 11;
    pub const VARIANT: u8 = 12;
    pub const SEQ: u8 = 13;
    pub const MAP: u8 = 14;
    /// Ends a sequence, map or struct; no value starts with it.
    pub const END: u8 = 15;
}

/// Writes a value's serde data model into `bytes`.
pub struct StreamHasher<'b> {
    bytes: &'b mut Vec<u8>,
}

impl<'b> StreamHasher<'b> {
    pub fn new(bytes: &'b mut Vec<u8>) -> StreamHasher<'b> {
        StreamHasher { bytes }
    }

    fn str(&mut self, s: &str) {
        self.bytes.push(kind::STR);
        self.bytes.extend_from_slice(&(s.len() as u64).to_le_bytes());
        self.bytes.extend_from_slice(s.as_bytes());
    }

    fn variant(&mut self, variant: &str) {
        self.bytes.push(kind::VARIANT);
        self.str(variant);
    }

    fn end(self) -> Result<(), Unhashable> {
        self.bytes.push(kind::END);
        Ok(())
    }
}

/// A value whose `Serialize` failed (its error's message).
#[derive(Debug)]
pub struct Unhashable(String);

impl std::fmt::Display for Unhashable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unhashable {}

impl ser::Error for Unhashable {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Unhashable(msg.to_string())
    }
}

/// Serializer methods that write a number as a wider one.
macro_rules! widened {
    ($($method:ident($narrow:ty) => $wide:ident),*) => {$(
        fn $method(self, v: $narrow) -> Result<(), Unhashable> {
            self.$wide(v.into())
        }
    )*};
}

/// Serializer methods that write a number's kind, then its little-endian bytes.
macro_rules! fixed_width {
    ($($method:ident($number:ty) => $kind:expr),*) => {$(
        fn $method(self, v: $number) -> Result<(), Unhashable> {
            self.bytes.push($kind);
            self.bytes.extend_from_slice(&v.to_le_bytes());
            Ok(())
        }
    )*};
}

impl<'b> ser::Serializer for StreamHasher<'b> {
    type Ok = ();
    type Error = Unhashable;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Result<(), Unhashable> {
        self.bytes.extend_from_slice(&[kind::BOOL, u8::from(v)]);
        Ok(())
    }

    // Narrower numbers are written as the 64-bit ones Tera holds them as.
    widened! {
        serialize_i8(i8) => serialize_i64,
        serialize_i16(i16) => serialize_i64,
        serialize_i32(i32) => serialize_i64,
        serialize_u8(u8) => serialize_u64,
        serialize_u16(u16) => serialize_u64,
        serialize_u32(u32) => serialize_u64,
        serialize_f32(f32) => serialize_f64
    }

    fixed_width! {
        serialize_i64(i64) => kind::I64,
        serialize_u64(u64) => kind::U64,
        serialize_i128(i128) => kind::I128,
        serialize_u128(u128) => kind::U128
    }

    fn serialize_f64(self, v: f64) -> Result<(), Unhashable> {
        self.bytes.push(kind::F64);
        self.bytes.extend_from_slice(&v.to_bits().to_le_bytes());
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), Unhashable> {
        // Tera holds a character as a string.
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(mut self, v: &str) -> Result<(), Unhashable> {
        self.str(v);
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), Unhashable> {
        self.bytes.push(kind::BYTES);
        self.bytes.extend_from_slice(&(v.len() as u64).to_le_bytes());
        self.bytes.extend_from_slice(v);
        Ok(())
    }

    fn serialize_none(self) -> Result<(), Unhashable> {
        self.bytes.push(kind::NONE);
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unhashable> {
        self.bytes.push(kind::SOME);
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Unhashable> {
        self.bytes.push(kind::UNIT);
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Unhashable> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<(), Unhashable> {
        // As Tera holds it: the variant's name.
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<(), Unhashable> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        mut self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Unhashable> {
        self.variant(variant);
        value.serialize(self)
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, Unhashable> {
        self.bytes.push(kind::SEQ);
        Ok(self)
    }

    fn serialize_tuple(self, len: usize) -> Result<Self, Unhashable> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self, Unhashable> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        mut self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self, Unhashable> {
        self.variant(variant);
        self.serialize_seq(Some(len))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self, Unhashable> {
        self.bytes.push(kind::MAP);
        Ok(self)
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Self, Unhashable> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        mut self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self, Unhashable> {
        self.variant(variant);
        self.serialize_map(Some(len))
    }
}

impl StreamHasher<'_> {
    /// A hasher writing into the same bytes, for an element of a sequence, map or struct.
    fn element(&mut self) -> StreamHasher<'_> {
        StreamHasher { bytes: self.bytes }
    }
}

/// The compound serializers whose parts are values only (sequences, tuples): each part is
/// written as a value, and the end mark closes them.
macro_rules! values_only {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for StreamHasher<'_> {
            type Ok = ();
            type Error = Unhashable;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unhashable> {
                value.serialize(self.element())
            }

            fn end(self) -> Result<(), Unhashable> {
                StreamHasher::end(self)
            }
        }
    )*};
}

values_only!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// The compound serializers of named fields (structs): each field is written as its name, then
/// its value.
macro_rules! named_fields {
    ($($trait:ident),*) => {$(
        impl ser::$trait for StreamHasher<'_> {
            type Ok = ();
            type Error = Unhashable;

            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Unhashable> {
                self.str(key);
                value.serialize(self.element())
            }

            fn end(self) -> Result<(), Unhashable> {
                StreamHasher::end(self)
            }
        }
    )*};
}

named_fields!(SerializeStruct, SerializeStructVariant);

impl ser::SerializeMap for StreamHasher<'_> {
    type Ok = ();
    type Error = Unhashable;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unhashable> {
        key.serialize(self.element())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unhashable> {
        value.serialize(self.element())
    }

    fn end(self) -> Result<(), Unhashable> {
        StreamHasher::end(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
        let mut bytes = Vec::new();
        value.serialize(StreamHasher::new(&mut bytes)).expect("hashable");
        bytes
    }

    #[derive(serde::Serialize)]
    struct Skipping {
        #[serde(skip_serializing_if = "Option::is_none")]
        a: Option<&'static str>,
        #[serde(skip_serializing_if = "str::is_empty")]
        b: &'static str,
    }

    #[derive(serde::Serialize)]
    struct Outer {
        title: &'static str,
        #[serde(flatten)]
        inner: Skipping,
    }

    #[test]
    fn different_values_write_different_bytes() {
        let values: Vec<Vec<u8>> = vec![
            bytes(&Skipping { a: Some("x"), b: "" }),
            bytes(&Skipping { a: None, b: "x" }),
            bytes(&Skipping { a: None, b: "" }),
            bytes(&Outer { title: "t", inner: Skipping { a: Some("x"), b: "" } }),
            bytes(&Outer { title: "t", inner: Skipping { a: None, b: "x" } }),
            bytes(&("ab", "c")),
            bytes(&("a", "bc")),
            bytes(&vec![vec!["a"], vec![]]),
            bytes(&vec![vec![], vec!["a"]]),
            bytes(&Some("")),
            bytes(&None::<&str>),
            bytes(""),
            bytes(&1u64),
            bytes(&1i64),
            bytes(&1.0f64),
            bytes(&true),
        ];
        for (i, a) in values.iter().enumerate() {
            for b in &values[i + 1..] {
                assert_ne!(a, b);
            }
        }
        // The same value, however its integers are typed, as Tera holds them.
        assert_eq!(bytes(&1u8), bytes(&1u64));
        assert_eq!(bytes(&-1i32), bytes(&-1i64));
        assert_eq!(bytes(&Skipping { a: Some("x"), b: "" }), bytes(&Skipping { a: Some("x"), b: "" }));
    }

    #[test]
    fn a_failing_view_is_unhashable() {
        struct Failing;
        impl Serialize for Failing {
            fn serialize<S: ser::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(ser::Error::custom("no"))
            }
        }
        let mut bytes = Vec::new();
        assert_eq!(vec![Failing].serialize(StreamHasher::new(&mut bytes)).map_err(|e| e.to_string()), Err("no".into()));
    }
}
