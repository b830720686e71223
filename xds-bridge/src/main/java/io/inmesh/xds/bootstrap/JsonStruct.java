package io.inmesh.xds.bootstrap;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.Map;

/** gson JSON to {@code google.protobuf.Struct}, the type of {@code node.metadata}. */
final class JsonStruct {

  private JsonStruct() {}

  static Struct toStruct(JsonObject object) {
    Struct.Builder struct = Struct.newBuilder();
    for (Map.Entry<String, JsonElement> field : object.entrySet()) {
      struct.putFields(field.getKey(), toValue(field.getValue()));
    }
    return struct.build();
  }

  static Value toValue(JsonElement element) {
    if (element == null || element.isJsonNull()) {
      return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
    }
    if (element.isJsonObject()) {
      return Value.newBuilder().setStructValue(toStruct(element.getAsJsonObject())).build();
    }
    if (element.isJsonArray()) {
      ListValue.Builder list = ListValue.newBuilder();
      for (JsonElement item : (JsonArray) element) {
        list.addValues(toValue(item));
      }
      return Value.newBuilder().setListValue(list).build();
    }
    JsonPrimitive primitive = element.getAsJsonPrimitive();
    if (primitive.isBoolean()) {
      return Value.newBuilder().setBoolValue(primitive.getAsBoolean()).build();
    }
    if (primitive.isNumber()) {
      return Value.newBuilder().setNumberValue(primitive.getAsDouble()).build();
    }
    return Value.newBuilder().setStringValue(primitive.getAsString()).build();
  }
}
