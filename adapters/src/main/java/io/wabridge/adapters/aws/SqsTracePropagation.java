package io.wabridge.adapters.aws;

import io.wabridge.adapters.lambda.Tracing;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeNameForSends;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * While a queue consumer handles a record that carries a trace ({@link Tracing#continued()}), each message it
 * sends gets that trace header as its {@code AWSTraceHeader} system attribute, so the trace goes on across the
 * next queue (inbound to bot hook to outbound) instead of starting from the consumer's own invocation. Outside
 * that, it adds nothing: the SDK's own trace header is what SQS records.
 */
public final class SqsTracePropagation implements ExecutionInterceptor {

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        var header = Tracing.continued();
        if (header.isEmpty()) {
            return context.request();
        }
        if (context.request() instanceof SendMessageRequest send) {
            return send.toBuilder().messageSystemAttributes(with(send.messageSystemAttributes(), header.get())).build();
        }
        if (context.request() instanceof SendMessageBatchRequest batch) {
            return batch.toBuilder().entries(batch.entries().stream()
                    .map(e -> e.toBuilder().messageSystemAttributes(with(e.messageSystemAttributes(), header.get())).build())
                    .toList()).build();
        }
        return context.request();
    }

    private static Map<MessageSystemAttributeNameForSends, MessageSystemAttributeValue> with(
            Map<MessageSystemAttributeNameForSends, MessageSystemAttributeValue> existing, String header) {
        Map<MessageSystemAttributeNameForSends, MessageSystemAttributeValue> attributes = new HashMap<>(existing);
        attributes.put(MessageSystemAttributeNameForSends.AWS_TRACE_HEADER,
                MessageSystemAttributeValue.builder().dataType("String").stringValue(header).build());
        return attributes;
    }
}
