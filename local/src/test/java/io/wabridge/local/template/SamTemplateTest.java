package io.wabridge.local.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SamTemplateTest {

    private static final String YAML = """
            Parameters:
              Stage: {Type: String, Default: dev}
              Issuer: {Type: String}
            Resources:
              Queue:
                Type: AWS::SQS::Queue
                Properties:
                  QueueName: !Sub ${AWS::StackName}-q-${Stage}.fifo
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Environment:
                    Variables:
                      URL: !GetAtt Queue.QueueUrl
                      ARN: !GetAtt [Queue, Arn]
                      JOINED: !Join [":", [a, !Ref Stage]]
                      ESCAPED: !Sub "${!Literal}-${Stage}"
                      MAPPED: !Sub
                        - "${Name}/x"
                        - Name: !Ref Issuer
                  Events:
                    Get: {Type: HttpApi, Properties: {Path: /a, Method: GET}}
                    Poll: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn}}
            """;

    private final SamTemplate template = SamTemplate.parse(new StringReader(YAML));

    private final Intrinsics intrinsics = new Intrinsics(
            name -> Map.of("AWS::StackName", "stack", "Stage", "dev", "Issuer", "https://idp").get(name),
            (id, attr) -> id.equals("Queue") ? Map.of("QueueUrl", "http://q", "Arn", "arn:q").get(attr) : null);

    @Test
    void readsShortFormTagsAsLongFormIntrinsics() {
        Map<String, Object> vars = SamTemplate.map(SamTemplate.map(template.resourcesOfType("AWS::Serverless::Function")
                .get("Fn").get("Environment")).get("Variables"));
        assertThat(vars.get("URL")).isEqualTo(Map.of("Fn::GetAtt", List.of("Queue", "QueueUrl")));
        assertThat(vars.get("ARN")).isEqualTo(Map.of("Fn::GetAtt", List.of("Queue", "Arn")));
        assertThat(template.functionEvents("HttpApi")).extracting(SamTemplate.FunctionEvent::eventName).containsExactly("Get");
        assertThat(template.functionEvents("SQS", "HttpApi")).hasSize(2);
    }

    @Test
    void resolvesRefGetAttSubAndJoin() {
        Map<String, Object> vars = SamTemplate.map(SamTemplate.map(template.resourcesOfType("AWS::Serverless::Function")
                .get("Fn").get("Environment")).get("Variables"));
        assertThat(intrinsics.string(vars.get("URL"))).isEqualTo("http://q");
        assertThat(intrinsics.string(vars.get("ARN"))).isEqualTo("arn:q");
        assertThat(intrinsics.string(vars.get("JOINED"))).isEqualTo("a:dev");
        assertThat(intrinsics.string(vars.get("ESCAPED"))).isEqualTo("${Literal}-dev");
        assertThat(intrinsics.string(vars.get("MAPPED"))).isEqualTo("https://idp/x");
        assertThat(intrinsics.string(template.resourcesOfType("AWS::SQS::Queue").get("Queue").get("QueueName")))
                .isEqualTo("stack-q-dev.fifo");
    }

    @Test
    void anUnresolvableReferenceIsAnError() {
        assertThatThrownBy(() -> intrinsics.string(Map.of("Ref", "Nothing")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Nothing");
        assertThatThrownBy(() -> intrinsics.string(Map.of("Fn::GetAtt", List.of("Queue", "Nope"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> intrinsics.resolve(Map.of("Fn::FindInMap", List.of("a", "b", "c"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not supported");
    }

    @Test
    void aTemplateParameterWithoutDefaultOrLocalValueStopsTheStart() {
        LocalResources resources = new LocalResources(template, "stack", "us-east-1", "000000000000", Map.of());
        assertThatThrownBy(resources::requireAllParameters).hasMessageContaining("Issuer");
    }
}
