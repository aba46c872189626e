package io.wabridge.local.testfunctions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.wabridge.adapters.config.Wiring;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every scheduled event it receives. */
public final class TickHandler implements RequestHandler<Map<String, Object>, String> {

    public static final List<Map<String, Object>> TICKS = new CopyOnWriteArrayList<>();

    public TickHandler(Wiring wiring) {
    }

    @Override
    public String handleRequest(Map<String, Object> event, Context context) {
        TICKS.add(event);
        return "tick " + TICKS.size();
    }
}
