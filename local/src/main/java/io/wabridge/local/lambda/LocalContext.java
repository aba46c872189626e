package io.wabridge.local.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;

/** The Lambda {@link Context} of one local invocation. */
final class LocalContext implements Context {

    private final LocalFunction.Definition function;
    private final String requestId;
    private final long deadlineMillis;
    private final String traceHeader;

    LocalContext(LocalFunction.Definition function, String requestId, long deadlineMillis, String traceHeader) {
        this.function = function;
        this.requestId = requestId;
        this.deadlineMillis = deadlineMillis;
        this.traceHeader = traceHeader;
    }

    /** The invocation's X-Ray trace header, as Lambda's runtime gives it. */
    @Override
    public String getXrayTraceId() {
        return traceHeader;
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + function.functionName();
    }

    @Override
    public String getLogStreamName() {
        return "local";
    }

    @Override
    public String getFunctionName() {
        return function.functionName();
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return function.environment().getOrDefault("AWS_LAMBDA_FUNCTION_ARN", function.functionName());
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, deadlineMillis - System.currentTimeMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
        return function.memoryMb();
    }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override
            public void log(String message) {
                System.out.print(message);
            }

            @Override
            public void log(byte[] message) {
                System.out.print(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}
