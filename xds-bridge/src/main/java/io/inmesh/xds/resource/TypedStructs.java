package io.inmesh.xds.resource;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.Base64;
import java.util.Map;

/**
 * Filter configs as they arrive: packed as their own type, or wrapped in a
 * {@code udpa.type.v1.TypedStruct} / {@code xds.type.v3.TypedStruct} (how an Istio EnvoyFilter
 * delivers them). A TypedStruct's {@code value} is converted field by field with the proto3 JSON
 * mapping (names in either form, enums by name or number, well-known wrappers and
 * {@code Duration} strings), so no JSON library is needed; unknown fields are rejected.
 */
final class TypedStructs {

  static final String UDPA = "type.googleapis.com/udpa.type.v1.TypedStruct";
  static final String XDS = "type.googleapis.com/xds.type.v3.TypedStruct";

  private TypedStructs() {}

  /** The type URL of the config inside (the TypedStruct's {@code type_url} when wrapped). */
  static String typeOf(Any any) throws InvalidProtocolBufferException {
    String url = any.getTypeUrl();
    if (UDPA.equals(url)) {
      return normalize(any.unpack(com.github.udpa.udpa.type.v1.TypedStruct.class).getTypeUrl());
    }
    if (XDS.equals(url)) {
      return normalize(any.unpack(com.github.xds.type.v3.TypedStruct.class).getTypeUrl());
    }
    return url;
  }

  static boolean is(Any any, Descriptor type) throws InvalidProtocolBufferException {
    return typeOf(any).equals("type.googleapis.com/" + type.getFullName());
  }

  /** Unpacks {@code any} as {@code prototype}'s type, directly or from a TypedStruct. */
  @SuppressWarnings("unchecked")
  static <T extends Message> T unpack(Any any, T prototype, String where)
      throws ResourceException {
    String url = any.getTypeUrl();
    try {
      Struct value;
      if (UDPA.equals(url)) {
        value = any.unpack(com.github.udpa.udpa.type.v1.TypedStruct.class).getValue();
      } else if (XDS.equals(url)) {
        value = any.unpack(com.github.xds.type.v3.TypedStruct.class).getValue();
      } else {
        return (T) any.unpack(prototype.getClass());
      }
      Message.Builder b = prototype.newBuilderForType();
      merge(b, value, where + " (TypedStruct)");
      return (T) b.build();
    } catch (InvalidProtocolBufferException e) {
      throw new ResourceException(null, where + ": cannot decode "
          + prototype.getDescriptorForType().getFullName() + ": " + e.getMessage());
    }
  }

  private static String normalize(String typeUrl) {
    int slash = typeUrl.lastIndexOf('/');
    return "type.googleapis.com/" + (slash < 0 ? typeUrl : typeUrl.substring(slash + 1));
  }

  static void merge(Message.Builder b, Struct s, String where) throws ResourceException {
    Descriptor d = b.getDescriptorForType();
    for (Map.Entry<String, Value> e : s.getFieldsMap().entrySet()) {
      FieldDescriptor f = d.findFieldByName(e.getKey());
      if (f == null) {
        for (FieldDescriptor candidate : d.getFields()) {
          if (candidate.getJsonName().equals(e.getKey())) {
            f = candidate;
          }
        }
      }
      if (f == null) {
        throw new ResourceException(null, where + ": unknown field '" + e.getKey() + "' in "
            + d.getFullName());
      }
      String at = where + "." + e.getKey();
      Value v = e.getValue();
      if (v.hasNullValue()) {
        continue;
      }
      if (f.isMapField()) {
        throw new ResourceException(null, at + ": map fields are not supported in a TypedStruct");
      }
      if (f.isRepeated()) {
        if (!v.hasListValue()) {
          throw new ResourceException(null, at + ": expected a list");
        }
        for (Value item : v.getListValue().getValuesList()) {
          b.addRepeatedField(f, convert(b, f, item, at));
        }
      } else {
        b.setField(f, convert(b, f, v, at));
      }
    }
  }

  private static Object convert(Message.Builder parent, FieldDescriptor f, Value v, String at)
      throws ResourceException {
    try {
      switch (f.getJavaType()) {
        case INT:
          return (int) number(v);
        case LONG:
          return (long) number(v);
        case FLOAT:
          return (float) number(v);
        case DOUBLE:
          return number(v);
        case BOOLEAN:
          return v.hasBoolValue() ? v.getBoolValue() : Boolean.parseBoolean(v.getStringValue());
        case STRING:
          return v.getStringValue();
        case BYTE_STRING:
          return ByteString.copyFrom(Base64.getDecoder().decode(v.getStringValue()));
        case ENUM: {
          EnumValueDescriptor ev = v.hasNumberValue()
              ? f.getEnumType().findValueByNumber((int) v.getNumberValue())
              : f.getEnumType().findValueByName(v.getStringValue());
          if (ev == null) {
            throw new ResourceException(null, at + ": unknown enum value " + v);
          }
          return ev;
        }
        case MESSAGE:
        default:
          return message(parent.newBuilderForField(f), v, at);
      }
    } catch (NumberFormatException | IllegalStateException e) {
      throw new ResourceException(null, at + ": " + e.getMessage());
    }
  }

  private static Message message(Message.Builder b, Value v, String at)
      throws ResourceException {
    String type = b.getDescriptorForType().getFullName();
    switch (type) {
      case "google.protobuf.Duration":
        return duration(v.getStringValue(), at);
      case "google.protobuf.UInt32Value":
      case "google.protobuf.Int32Value":
      case "google.protobuf.UInt64Value":
      case "google.protobuf.Int64Value":
      case "google.protobuf.DoubleValue":
      case "google.protobuf.FloatValue":
      case "google.protobuf.BoolValue":
      case "google.protobuf.StringValue": {
        FieldDescriptor value = b.getDescriptorForType().findFieldByName("value");
        b.setField(value, convert(b, value, v, at));
        return b.build();
      }
      case "google.protobuf.Struct":
        return v.getStructValue();
      case "google.protobuf.Value":
        return v;
      case "google.protobuf.Any":
        throw new ResourceException(null, at + ": Any inside a TypedStruct is not supported");
      default:
        if (!v.hasStructValue()) {
          throw new ResourceException(null, at + ": expected an object for " + type);
        }
        merge(b, v.getStructValue(), at);
        return b.build();
    }
  }

  private static double number(Value v) {
    return v.hasNumberValue() ? v.getNumberValue() : Double.parseDouble(v.getStringValue());
  }

  /** The proto3 JSON form of a Duration: decimal seconds with an "s" suffix. */
  static com.google.protobuf.Duration duration(String s, String at) throws ResourceException {
    if (!s.endsWith("s")) {
      throw new ResourceException(null, at + ": duration '" + s + "' must end in 's'");
    }
    try {
      java.math.BigDecimal seconds = new java.math.BigDecimal(s.substring(0, s.length() - 1));
      long whole = seconds.longValue();
      int nanos = seconds.subtract(java.math.BigDecimal.valueOf(whole)).movePointRight(9)
          .intValue();
      return com.google.protobuf.Duration.newBuilder().setSeconds(whole).setNanos(nanos).build();
    } catch (NumberFormatException e) {
      throw new ResourceException(null, at + ": bad duration '" + s + "'");
    }
  }
}
