package io.wabridge.local.lambda;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * What the AWS SDK does on Lambda with an invocation's trace header, for the SDK calls a local invocation makes
 * (registered for every SDK client of the local runtime's JVM through
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}): on Lambda the SDK's
 * {@code TraceIdExecutionInterceptor} sends the header as {@code X-Amzn-Trace-Id}, but it acts only when
 * {@code AWS_LAMBDA_FUNCTION_NAME} is set and reads the header from a JVM-wide system property, neither of
 * which fits one local JVM running every function side by side. SQS, and ElasticMQ as it does, keep that HTTP
 * header with each message sent as its {@code AWSTraceHeader} attribute.
 */
public final class LocalTraceHeaders implements ExecutionInterceptor {

    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        var header = LocalTrace.current();
        if (header.isEmpty() || context.httpRequest().firstMatchingHeader("X-Amzn-Trace-Id").isPresent()) {
            return context.httpRequest();
        }
        return context.httpRequest().toBuilder().putHeader("X-Amzn-Trace-Id", header.get()).build();
    }
}
