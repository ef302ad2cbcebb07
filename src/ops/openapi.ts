import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export function setupOpenApi(app: NestFastifyApplication): void {
  const doc = new DocumentBuilder()
    .setTitle('Portfolio Service')
    .setDescription(
      'Loan portfolios, snapshots, vintages, investors, loan tapes and a Flagstone-style savings view. ' +
        'Errors are RFC 9457 application/problem+json. Money is a decimal string with two decimals on the loan side.',
    )
    .setVersion('1.0')
    .addBearerAuth()
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'cdpapi-Subscription-Key' }, 'cdpapi-key')
    .addSecurityRequirements('bearer')
    .addSecurityRequirements('api-key')
    .build();
  const document = SwaggerModule.createDocument(app, doc);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
