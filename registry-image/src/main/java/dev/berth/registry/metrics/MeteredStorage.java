package dev.berth.registry.metrics;

import dev.berth.registry.storage.NotFoundException;
import dev.berth.registry.storage.OffsetMismatchException;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.UploadChangedException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;

/**
 * A {@link Storage} that times every storage operation (each method that may throw
 * {@link IOException}) and counts its failures, then passes it on unchanged. A dynamic proxy
 * rather than a written-out decorator: the storage interfaces grow (listing for garbage
 * collection…), and a decorator that missed a new method would not compile or, worse, would
 * silently use an interface default instead of the backend's own implementation.
 */
public final class MeteredStorage implements InvocationHandler {

    private final Storage target;
    private final RegistryMetrics metrics;

    private MeteredStorage(Storage target, RegistryMetrics metrics) {
        this.target = target;
        this.metrics = metrics;
    }

    public static Storage wrap(Storage target, RegistryMetrics metrics) {
        return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
                new MeteredStorage(target, metrics));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "metered " + target;
            };
        }
        if (!isOperation(method)) {
            return call(method, args);
        }
        long start = System.nanoTime();
        boolean failed = false;
        try {
            return call(method, args);
        } catch (Throwable e) {
            failed = !isAnswer(e);
            throw e;
        } finally {
            metrics.storageOperation(method.getName(), (System.nanoTime() - start) / 1e9, failed);
        }
    }

    private Object call(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Storage I/O, as opposed to a setting ({@code minimumChunkLength}) or a local check ({@code writeProblem}). */
    private static boolean isOperation(Method method) {
        return Arrays.asList(method.getExceptionTypes()).contains(IOException.class)
                && !method.getName().equals("close");
    }

    /**
     * Reading what is not there, or an upload another request moved on, is an answer about the
     * data, not a failure of the storage.
     */
    private static boolean isAnswer(Throwable e) {
        return e instanceof NotFoundException || e instanceof NoSuchFileException || e instanceof FileNotFoundException
                || e instanceof OffsetMismatchException || e instanceof UploadChangedException;
    }
}
