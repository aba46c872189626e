package io.wabridge.local.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs one handler in a fresh JVM whose class path is only its function's {@code -lambda.jar}, this class and
 * Lambda's event serialization library (what Lambda's Java runtime deserializes events with, outside the
 * function's jar), as a Lambda container does: the public no-arg constructor with the function's environment,
 * then, if asked, the SnapStart hooks (before and after the snapshot), then one event. Prints one line
 * {@code PROBE <main> <init> <prime> <request> <doneEpochMillis> <response>} (milliseconds). Started by
 * {@link LambdaJarRun}; uses only the JDK and classes the jar holds.
 */
public final class LambdaJarProbe {

    private LambdaJarProbe() {}

    /** Arguments: {@code class::method}, the event's JSON file, {@code prime} or {@code plain}. */
    public static void main(String[] args) throws Throwable {
        long main = System.currentTimeMillis();
        String[] handler = args[0].split("::", 2);
        byte[] event = Files.readAllBytes(Path.of(args[1]));
        boolean prime = "prime".equals(args[2]);

        Class<?> type = Class.forName(handler[0]);
        Object instance = type.getConstructor().newInstance();
        Method method = null;
        for (Method m : type.getMethods()) {
            if (m.getName().equals(handler[1]) && !m.isBridge() && m.getParameterCount() == 2 && m.getParameterTypes()[1] == Context.class) {
                method = m;
            }
        }
        // Lambda's runtime builds the event serializer while it loads the handler, before the first event.
        Class<?> input = method.getParameterTypes()[0];
        PojoSerializer<?> serializer = LambdaEventSerializers.isLambdaSupportedEvent(input.getName())
                ? LambdaEventSerializers.serializerFor(input, type.getClassLoader())
                : JacksonFactory.getInstance().getSerializer(input);
        long init = System.currentTimeMillis();
        long primeMillis = 0;
        if (prime) {
            primeMillis = (Long) Class.forName("io.wabridge.adapters.config.SnapStartPriming").getMethod("simulateSnapshot").invoke(null);
        }
        long request = System.currentTimeMillis();
        Object decoded = serializer.fromJson(new ByteArrayInputStream(event));
        Object response = method.invoke(instance, decoded, context(type.getClassLoader()));
        long done = System.currentTimeMillis();
        System.out.println("PROBE " + (init - main) + " " + (request - init) + " " + primeMillis + " " + (done - request) + " " + done + " "
                + String.valueOf(response).replace('\n', ' '));
        System.out.flush();
        System.exit(0);
    }

    private static Context context(ClassLoader loader) {
        long deadline = System.currentTimeMillis() + 60_000;
        return (Context) Proxy.newProxyInstance(loader, new Class<?>[] {Context.class}, (proxy, m, a) -> switch (m.getName()) {
            case "getRemainingTimeInMillis" -> (int) (deadline - System.currentTimeMillis());
            case "getAwsRequestId" -> "probe-request";
            case "getFunctionName" -> "probe";
            case "getMemoryLimitInMB" -> 1024;
            case "toString" -> "probe context";
            case "hashCode" -> 0;
            case "equals" -> proxy == a[0];
            default -> null;
        });
    }
}
