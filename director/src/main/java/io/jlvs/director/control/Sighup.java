package io.jlvs.director.control;

import io.jlvs.dataplane.sys.LibC;
import io.jlvs.dataplane.sys.NativeException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Runs a task when the process gets SIGHUP. The JDK has no supported signal API; the one
 * that works without flags is {@code sun.misc.Signal} in module jdk.unsupported. It is reached
 * by reflection so that the build stays free of "internal proprietary API" warnings (javac
 * cannot suppress those) and so that a runtime without it is reported, not a link error.
 * Installing a handler replaces the JVM's default for SIGHUP (which starts shutdown).
 *
 * <p>A process started under {@code nohup} inherits SIGHUP ignored, and the JVM then declines
 * to handle it, silently: a daemon's "reload" signal would do nothing. The disposition is set
 * back to the default first, as daemons that reload on SIGHUP do.
 */
final class Sighup {
    private Sighup() {
    }

    /**
     * Installs {@code task} as the SIGHUP handler; it runs on the JVM's signal thread, so it
     * should only hand work over.
     *
     * @return {@code null} when installed, else why not
     */
    static String install(Runnable task) {
        try {
            LibC.unignoreSignal(LibC.SIGHUP);
        } catch (NativeException | RuntimeException e) {
            return "cannot read the SIGHUP disposition: " + e.getMessage();
        }
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object handler = Proxy.newProxyInstance(Sighup.class.getClassLoader(), new Class<?>[] {handlerClass},
                    (proxy, method, args) -> dispatch(proxy, method, args, task));
            Object hup = signalClass.getConstructor(String.class).newInstance("HUP");
            signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, hup, handler);
            return null;
        } catch (InvocationTargetException e) {
            return "sun.misc.Signal refused SIGHUP: " + e.getCause();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "sun.misc.Signal unavailable: " + e;
        }
    }

    private static Object dispatch(Object proxy, Method method, Object[] args, Runnable task) {
        return switch (method.getName()) {
            case "handle" -> {
                task.run();
                yield null;
            }
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "SIGHUP handler";
        };
    }
}
