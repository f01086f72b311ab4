package io.mnemos.testing;

import io.mnemos.store.TypedValue;
import io.mnemos.store.ValueType;

import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in list value (type "list", encoding "listpack") for tests of generic and string commands
 * that only need a key of another type: WRONGTYPE paths, TYPE, OBJECT, SCAN TYPE, COPY.
 */
public record FakeList(List<String> items) implements TypedValue {
    @Override
    public ValueType type() {
        return ValueType.LIST;
    }

    @Override
    public String encoding() {
        return "listpack";
    }

    @Override
    public TypedValue copy() {
        return new FakeList(new ArrayList<>(items));
    }
}
