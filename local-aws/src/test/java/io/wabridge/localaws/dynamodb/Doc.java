package io.wabridge.localaws.dynamodb;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The section of DynamoDB's documentation a conformance case follows: "API Reference: Operation" or
 * "Developer Guide: page title" (https://docs.aws.amazon.com/amazondynamodb/latest/).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface Doc {
    String value();
}
