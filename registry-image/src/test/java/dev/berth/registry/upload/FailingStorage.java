package dev.berth.registry.upload;

import dev.berth.registry.storage.Storage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/** A real storage whose chosen calls fail, for the upload tests of what happens then. */
final class FailingStorage {

    private FailingStorage() {}

    /** The storage, except that the calls {@code when} picks (by method name and arguments) throw. */
    static Storage failing(Storage storage, BiPredicate<String, Object[]> when, Supplier<Throwable> failure) {
        return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
                (proxy, method, args) -> {
                    if (when.test(method.getName(), args)) {
                        throw failure.get();
                    }
                    try {
                        return method.invoke(storage, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
