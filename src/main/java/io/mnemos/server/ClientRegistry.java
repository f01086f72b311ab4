package io.mnemos.server;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Connected clients by id, in connection order (CLIENT LIST order). Keyspace thread only. */
public final class ClientRegistry {
    private final Map<Long, Client> clients = new LinkedHashMap<>();
    private long nextId = 1;

    public long nextId() {
        return nextId++;
    }

    public void add(Client c) {
        clients.put(c.id(), c);
    }

    public void remove(Client c) {
        clients.remove(c.id());
    }

    public Client get(long id) {
        return clients.get(id);
    }

    public Collection<Client> all() {
        return Collections.unmodifiableCollection(clients.values());
    }

    public int size() {
        return clients.size();
    }
}
