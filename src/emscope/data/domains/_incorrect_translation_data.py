"""Phrase table for the incorrect_translation domain.

Each line of `_TABLE` is `English | Spanish | French | German | Italian | Portuguese`; a line
starting with `#` opens a section (phrases from one section are swapped for each other, so a
wrong answer stays topically plausible). Polite questions to strangers use the formal address
(usted, vous, Sie, Lei); Portuguese follows Brazilian usage. `_TWINS` pairs phrases that differ
by a negation or one key word, which g uses for negation flips and key-word swaps.
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "PHRASES", "SECTIONS", "TWINS"]

LANGUAGES: tuple[str, ...] = ("Spanish", "French", "German", "Italian", "Portuguese")

_TABLE = """\
# courtesy
Good morning. | Buenos días. | Bonjour. | Guten Morgen. | Buongiorno. | Bom dia.
Good night. | Buenas noches. | Bonne nuit. | Gute Nacht. | Buonanotte. | Boa noite.
Thank you very much. | Muchas gracias. | Merci beaucoup. | Vielen Dank. | Grazie mille. | Muito obrigado.
You're welcome. | De nada. | De rien. | Gern geschehen. | Prego. | De nada.
Excuse me. | Disculpe. | Excusez-moi. | Entschuldigen Sie. | Mi scusi. | Com licença.
I'm sorry. | Lo siento. | Je suis désolé. | Es tut mir leid. | Mi dispiace. | Sinto muito.
Nice to meet you. | Mucho gusto. | Enchanté. | Freut mich. | Piacere. | Muito prazer.
How are you? | ¿Cómo está usted? | Comment allez-vous ? | Wie geht es Ihnen? | Come sta? | Como você está?
I'm fine, thank you. | Estoy bien, gracias. | Je vais bien, merci. | Mir geht es gut, danke. | Sto bene, grazie. | Estou bem, obrigado.
What is your name? | ¿Cómo se llama usted? | Comment vous appelez-vous ? | Wie heißen Sie? | Come si chiama? | Qual é o seu nome?
My name is Anna. | Me llamo Anna. | Je m'appelle Anna. | Ich heiße Anna. | Mi chiamo Anna. | Meu nome é Anna.
See you tomorrow. | Hasta mañana. | À demain. | Bis morgen. | A domani. | Até amanhã.
See you next week. | Nos vemos la semana que viene. | À la semaine prochaine. | Bis nächste Woche. | Ci vediamo la settimana prossima. | Até a semana que vem.
Have a nice day. | Que tenga un buen día. | Bonne journée. | Einen schönen Tag noch. | Buona giornata. | Tenha um bom dia.
Please speak more slowly. | Por favor, hable más despacio. | Parlez plus lentement, s'il vous plaît. | Bitte sprechen Sie langsamer. | Per favore, parli più lentamente. | Por favor, fale mais devagar.
I understand. | Entiendo. | Je comprends. | Ich verstehe. | Capisco. | Eu entendo.
I don't understand. | No entiendo. | Je ne comprends pas. | Ich verstehe nicht. | Non capisco. | Eu não entendo.
Do you speak English? | ¿Habla usted inglés? | Parlez-vous anglais ? | Sprechen Sie Englisch? | Parla inglese? | Você fala inglês?
Can you repeat that, please? | ¿Puede repetirlo, por favor? | Pouvez-vous répéter, s'il vous plaît ? | Können Sie das bitte wiederholen? | Può ripetere, per favore? | Pode repetir, por favor?
Can you help me? | ¿Puede ayudarme? | Pouvez-vous m'aider ? | Können Sie mir helfen? | Può aiutarmi? | Você pode me ajudar?
Yes, of course. | Sí, por supuesto. | Oui, bien sûr. | Ja, natürlich. | Sì, certo. | Sim, claro.
No, thank you. | No, gracias. | Non, merci. | Nein, danke. | No, grazie. | Não, obrigado.
Welcome! | ¡Bienvenido! | Bienvenue ! | Willkommen! | Benvenuto! | Bem-vindo!
Congratulations! | ¡Felicidades! | Félicitations ! | Herzlichen Glückwunsch! | Congratulazioni! | Parabéns!
Happy birthday! | ¡Feliz cumpleaños! | Joyeux anniversaire ! | Alles Gute zum Geburtstag! | Buon compleanno! | Feliz aniversário!
Good luck! | ¡Buena suerte! | Bonne chance ! | Viel Glück! | Buona fortuna! | Boa sorte!
I know. | Lo sé. | Je sais. | Ich weiß. | Lo so. | Eu sei.
I don't know. | No lo sé. | Je ne sais pas. | Ich weiß nicht. | Non lo so. | Eu não sei.
Happy New Year! | ¡Feliz Año Nuevo! | Bonne année ! | Frohes neues Jahr! | Buon anno! | Feliz Ano Novo!
Merry Christmas! | ¡Feliz Navidad! | Joyeux Noël ! | Frohe Weihnachten! | Buon Natale! | Feliz Natal!
Cheers! | ¡Salud! | Santé ! | Prost! | Salute! | Saúde!
Enjoy your meal! | ¡Buen provecho! | Bon appétit ! | Guten Appetit! | Buon appetito! | Bom apetite!
Don't worry. | No te preocupes. | Ne t'inquiète pas. | Mach dir keine Sorgen. | Non preoccuparti. | Não se preocupe.
It doesn't matter. | No importa. | Ce n'est pas grave. | Das macht nichts. | Non importa. | Não importa.
# travel
Where is the train station? | ¿Dónde está la estación de tren? | Où est la gare ? | Wo ist der Bahnhof? | Dov'è la stazione ferroviaria? | Onde fica a estação de trem?
Where is the bathroom? | ¿Dónde está el baño? | Où sont les toilettes ? | Wo ist die Toilette? | Dov'è il bagno? | Onde fica o banheiro?
How do I get to the airport? | ¿Cómo llego al aeropuerto? | Comment aller à l'aéroport ? | Wie komme ich zum Flughafen? | Come arrivo all'aeroporto? | Como chego ao aeroporto?
Turn left. | Gire a la izquierda. | Tournez à gauche. | Biegen Sie links ab. | Giri a sinistra. | Vire à esquerda.
Turn right. | Gire a la derecha. | Tournez à droite. | Biegen Sie rechts ab. | Giri a destra. | Vire à direita.
Go straight ahead. | Siga todo recto. | Allez tout droit. | Gehen Sie geradeaus. | Vada sempre dritto. | Siga em frente.
Is it far from here? | ¿Está lejos de aquí? | C'est loin d'ici ? | Ist es weit von hier? | È lontano da qui? | Fica longe daqui?
It is very close. | Está muy cerca. | C'est tout près. | Es ist ganz in der Nähe. | È molto vicino. | Fica bem perto.
A one-way ticket, please. | Un billete de ida, por favor. | Un aller simple, s'il vous plaît. | Eine einfache Fahrkarte, bitte. | Un biglietto di sola andata, per favore. | Uma passagem só de ida, por favor.
A return ticket, please. | Un billete de ida y vuelta, por favor. | Un aller-retour, s'il vous plaît. | Eine Rückfahrkarte, bitte. | Un biglietto di andata e ritorno, per favore. | Uma passagem de ida e volta, por favor.
What time does the train leave? | ¿A qué hora sale el tren? | À quelle heure part le train ? | Wann fährt der Zug ab? | A che ora parte il treno? | A que horas sai o trem?
What time does the train arrive? | ¿A qué hora llega el tren? | À quelle heure arrive le train ? | Wann kommt der Zug an? | A che ora arriva il treno? | A que horas chega o trem?
The train is late. | El tren lleva retraso. | Le train est en retard. | Der Zug hat Verspätung. | Il treno è in ritardo. | O trem está atrasado.
The train is on time. | El tren llega puntual. | Le train est à l'heure. | Der Zug ist pünktlich. | Il treno è in orario. | O trem está no horário.
Which platform does the train leave from? | ¿De qué andén sale el tren? | De quel quai part le train ? | Von welchem Gleis fährt der Zug ab? | Da quale binario parte il treno? | De qual plataforma sai o trem?
Where can I buy a ticket? | ¿Dónde puedo comprar un billete? | Où puis-je acheter un billet ? | Wo kann ich eine Fahrkarte kaufen? | Dove posso comprare un biglietto? | Onde posso comprar uma passagem?
Where is the bus stop? | ¿Dónde está la parada de autobús? | Où est l'arrêt de bus ? | Wo ist die Bushaltestelle? | Dov'è la fermata dell'autobus? | Onde fica o ponto de ônibus?
I would like to rent a car. | Quisiera alquilar un coche. | Je voudrais louer une voiture. | Ich möchte ein Auto mieten. | Vorrei noleggiare una macchina. | Eu gostaria de alugar um carro.
My flight has been cancelled. | Mi vuelo ha sido cancelado. | Mon vol a été annulé. | Mein Flug wurde gestrichen. | Il mio volo è stato cancellato. | Meu voo foi cancelado.
I have lost my passport. | He perdido mi pasaporte. | J'ai perdu mon passeport. | Ich habe meinen Pass verloren. | Ho perso il mio passaporto. | Perdi meu passaporte.
Where is the exit? | ¿Dónde está la salida? | Où est la sortie ? | Wo ist der Ausgang? | Dov'è l'uscita? | Onde fica a saída?
Where is the entrance? | ¿Dónde está la entrada? | Où est l'entrée ? | Wo ist der Eingang? | Dov'è l'ingresso? | Onde fica a entrada?
Can you call a taxi for me? | ¿Puede llamarme un taxi? | Pouvez-vous m'appeler un taxi ? | Können Sie mir ein Taxi rufen? | Può chiamarmi un taxi? | Você pode chamar um táxi para mim?
Please take me to this address. | Por favor, lléveme a esta dirección. | Conduisez-moi à cette adresse, s'il vous plaît. | Bitte bringen Sie mich zu dieser Adresse. | Per favore, mi porti a questo indirizzo. | Por favor, me leve a este endereço.
I am lost. | Estoy perdido. | Je suis perdu. | Ich habe mich verlaufen. | Mi sono perso. | Estou perdido.
Can you show me on the map? | ¿Me lo puede mostrar en el mapa? | Pouvez-vous me le montrer sur la carte ? | Können Sie es mir auf der Karte zeigen? | Me lo può mostrare sulla mappa? | Você pode me mostrar no mapa?
I will arrive tomorrow morning. | Llegaré mañana por la mañana. | J'arriverai demain matin. | Ich komme morgen früh an. | Arriverò domani mattina. | Vou chegar amanhã de manhã.
I arrived yesterday. | Llegué ayer. | Je suis arrivé hier. | Ich bin gestern angekommen. | Sono arrivato ieri. | Cheguei ontem.
Is there an ATM nearby? | ¿Hay un cajero automático cerca? | Y a-t-il un distributeur de billets près d'ici ? | Gibt es hier in der Nähe einen Geldautomaten? | C'è un bancomat qui vicino? | Tem um caixa eletrônico aqui perto?
Is the tap water safe to drink? | ¿Se puede beber el agua del grifo? | L'eau du robinet est-elle potable ? | Kann man das Leitungswasser trinken? | L'acqua del rubinetto è potabile? | A água da torneira é potável?
# hotel
I have a reservation. | Tengo una reserva. | J'ai une réservation. | Ich habe eine Reservierung. | Ho una prenotazione. | Eu tenho uma reserva.
Do you have a room available? | ¿Tiene una habitación disponible? | Avez-vous une chambre disponible ? | Haben Sie ein Zimmer frei? | Avete una camera disponibile? | Vocês têm um quarto disponível?
What time is breakfast? | ¿A qué hora es el desayuno? | À quelle heure est le petit-déjeuner ? | Wann gibt es Frühstück? | A che ora è la colazione? | A que horas é o café da manhã?
Is breakfast included? | ¿Está incluido el desayuno? | Le petit-déjeuner est-il inclus ? | Ist das Frühstück inbegriffen? | La colazione è inclusa? | O café da manhã está incluído?
The air conditioning does not work. | El aire acondicionado no funciona. | La climatisation ne fonctionne pas. | Die Klimaanlage funktioniert nicht. | L'aria condizionata non funziona. | O ar-condicionado não funciona.
The heating does not work. | La calefacción no funciona. | Le chauffage ne fonctionne pas. | Die Heizung funktioniert nicht. | Il riscaldamento non funziona. | O aquecimento não funciona.
The room is too hot. | Hace demasiado calor en la habitación. | Il fait trop chaud dans la chambre. | Das Zimmer ist zu warm. | Fa troppo caldo in camera. | O quarto está quente demais.
The room is too cold. | Hace demasiado frío en la habitación. | Il fait trop froid dans la chambre. | Das Zimmer ist zu kalt. | Fa troppo freddo in camera. | O quarto está frio demais.
Could I have another towel? | ¿Me podría dar otra toalla? | Pourrais-je avoir une autre serviette ? | Könnte ich noch ein Handtuch bekommen? | Potrei avere un altro asciugamano? | Poderia me dar outra toalha?
What is the Wi-Fi password? | ¿Cuál es la contraseña del wifi? | Quel est le mot de passe du wifi ? | Wie lautet das WLAN-Passwort? | Qual è la password del wifi? | Qual é a senha do wi-fi?
I would like a quiet room. | Quisiera una habitación tranquila. | Je voudrais une chambre calme. | Ich hätte gern ein ruhiges Zimmer. | Vorrei una camera tranquilla. | Eu gostaria de um quarto tranquilo.
My key does not work. | Mi llave no funciona. | Ma clé ne fonctionne pas. | Mein Schlüssel funktioniert nicht. | La mia chiave non funziona. | Minha chave não funciona.
My phone battery is dead. | Mi teléfono se ha quedado sin batería. | Mon téléphone n'a plus de batterie. | Mein Handyakku ist leer. | Il mio telefono è scarico. | A bateria do meu celular acabou.
Where can I charge my phone? | ¿Dónde puedo cargar mi teléfono? | Où puis-je recharger mon téléphone ? | Wo kann ich mein Handy aufladen? | Dove posso ricaricare il telefono? | Onde posso carregar meu celular?
# restaurant
A table for two, please. | Una mesa para dos, por favor. | Une table pour deux, s'il vous plaît. | Einen Tisch für zwei, bitte. | Un tavolo per due, per favore. | Uma mesa para dois, por favor.
A table for four, please. | Una mesa para cuatro, por favor. | Une table pour quatre, s'il vous plaît. | Einen Tisch für vier, bitte. | Un tavolo per quattro, per favore. | Uma mesa para quatro, por favor.
The menu, please. | La carta, por favor. | La carte, s'il vous plaît. | Die Speisekarte, bitte. | Il menù, per favore. | O cardápio, por favor.
The bill, please. | La cuenta, por favor. | L'addition, s'il vous plaît. | Die Rechnung, bitte. | Il conto, per favore. | A conta, por favor.
I am vegetarian. | Soy vegetariano. | Je suis végétarien. | Ich bin Vegetarier. | Sono vegetariano. | Sou vegetariano.
I am allergic to nuts. | Soy alérgico a los frutos secos. | Je suis allergique aux fruits à coque. | Ich bin allergisch gegen Nüsse. | Sono allergico alla frutta secca. | Sou alérgico a nozes.
I am allergic to eggs. | Soy alérgico al huevo. | Je suis allergique aux œufs. | Ich bin allergisch gegen Eier. | Sono allergico alle uova. | Sou alérgico a ovos.
Does this dish contain meat? | ¿Este plato lleva carne? | Ce plat contient-il de la viande ? | Enthält dieses Gericht Fleisch? | Questo piatto contiene carne? | Este prato contém carne?
Does this dish contain fish? | ¿Este plato lleva pescado? | Ce plat contient-il du poisson ? | Enthält dieses Gericht Fisch? | Questo piatto contiene pesce? | Este prato contém peixe?
I would like a glass of water. | Quisiera un vaso de agua. | Je voudrais un verre d'eau. | Ich hätte gern ein Glas Wasser. | Vorrei un bicchiere d'acqua. | Eu gostaria de um copo de água.
I would like a glass of wine. | Quisiera una copa de vino. | Je voudrais un verre de vin. | Ich hätte gern ein Glas Wein. | Vorrei un bicchiere di vino. | Eu gostaria de uma taça de vinho.
A coffee with milk, please. | Un café con leche, por favor. | Un café au lait, s'il vous plaît. | Einen Kaffee mit Milch, bitte. | Un caffellatte, per favore. | Um café com leite, por favor.
A black coffee, please. | Un café solo, por favor. | Un café noir, s'il vous plaît. | Einen schwarzen Kaffee, bitte. | Un caffè senza latte, per favore. | Um café preto, por favor.
The food is delicious. | La comida está deliciosa. | La nourriture est délicieuse. | Das Essen ist köstlich. | Il cibo è delizioso. | A comida está deliciosa.
This is not what I ordered. | Esto no es lo que pedí. | Ce n'est pas ce que j'ai commandé. | Das habe ich nicht bestellt. | Non è quello che ho ordinato. | Isto não é o que eu pedi.
Can I pay by card? | ¿Puedo pagar con tarjeta? | Puis-je payer par carte ? | Kann ich mit Karte zahlen? | Posso pagare con la carta? | Posso pagar com cartão?
Can I pay in cash? | ¿Puedo pagar en efectivo? | Puis-je payer en espèces ? | Kann ich bar zahlen? | Posso pagare in contanti? | Posso pagar em dinheiro?
Is service included? | ¿Está incluido el servicio? | Le service est-il compris ? | Ist die Bedienung inbegriffen? | Il servizio è incluso? | O serviço está incluído?
We would like to order. | Queremos pedir. | Nous voudrions commander. | Wir möchten bestellen. | Vorremmo ordinare. | Gostaríamos de fazer o pedido.
Without sugar, please. | Sin azúcar, por favor. | Sans sucre, s'il vous plaît. | Ohne Zucker, bitte. | Senza zucchero, per favore. | Sem açúcar, por favor.
No ice, please. | Sin hielo, por favor. | Sans glaçons, s'il vous plaît. | Ohne Eis, bitte. | Senza ghiaccio, per favore. | Sem gelo, por favor.
Dinner is ready. | La cena está lista. | Le dîner est prêt. | Das Abendessen ist fertig. | La cena è pronta. | O jantar está pronto.
Breakfast is ready. | El desayuno está listo. | Le petit-déjeuner est prêt. | Das Frühstück ist fertig. | La colazione è pronta. | O café da manhã está pronto.
# shopping
How much does this cost? | ¿Cuánto cuesta esto? | Combien ça coûte ? | Wie viel kostet das? | Quanto costa questo? | Quanto custa isto?
It is too expensive. | Es demasiado caro. | C'est trop cher. | Das ist zu teuer. | È troppo caro. | É caro demais.
It is very cheap. | Es muy barato. | C'est très bon marché. | Das ist sehr billig. | È molto economico. | É muito barato.
I'm just looking. | Solo estoy mirando. | Je regarde seulement. | Ich schaue nur. | Sto solo guardando. | Estou só olhando.
Do you have this in a larger size? | ¿Lo tiene en una talla más grande? | Avez-vous ceci dans une taille plus grande ? | Haben Sie das in einer größeren Größe? | Ce l'ha in una taglia più grande? | Você tem isto num tamanho maior?
Do you have this in a smaller size? | ¿Lo tiene en una talla más pequeña? | Avez-vous ceci dans une taille plus petite ? | Haben Sie das in einer kleineren Größe? | Ce l'ha in una taglia più piccola? | Você tem isto num tamanho menor?
Can I try it on? | ¿Puedo probármelo? | Puis-je l'essayer ? | Kann ich es anprobieren? | Posso provarlo? | Posso experimentar?
I'll take it. | Me lo llevo. | Je le prends. | Ich nehme es. | Lo prendo. | Vou levar.
I would like to return this. | Quisiera devolver esto. | Je voudrais retourner cet article. | Ich möchte das zurückgeben. | Vorrei restituire questo. | Eu gostaria de devolver isto.
Can I have a receipt? | ¿Me puede dar un recibo? | Puis-je avoir un reçu ? | Kann ich eine Quittung bekommen? | Posso avere una ricevuta? | Pode me dar um recibo?
Where is the supermarket? | ¿Dónde está el supermercado? | Où est le supermarché ? | Wo ist der Supermarkt? | Dov'è il supermercato? | Onde fica o supermercado?
The shop is open. | La tienda está abierta. | Le magasin est ouvert. | Das Geschäft ist geöffnet. | Il negozio è aperto. | A loja está aberta.
The shop is closed. | La tienda está cerrada. | Le magasin est fermé. | Das Geschäft ist geschlossen. | Il negozio è chiuso. | A loja está fechada.
What time do you close? | ¿A qué hora cierran? | À quelle heure fermez-vous ? | Wann schließen Sie? | A che ora chiudete? | A que horas vocês fecham?
What time do you open? | ¿A qué hora abren? | À quelle heure ouvrez-vous ? | Wann öffnen Sie? | A che ora aprite? | A que horas vocês abrem?
Do you accept credit cards? | ¿Aceptan tarjetas de crédito? | Acceptez-vous les cartes de crédit ? | Nehmen Sie Kreditkarten? | Accettate carte di credito? | Vocês aceitam cartão de crédito?
I need a bag. | Necesito una bolsa. | J'ai besoin d'un sac. | Ich brauche eine Tüte. | Ho bisogno di un sacchetto. | Preciso de uma sacola.
I don't need a bag. | No necesito bolsa. | Je n'ai pas besoin de sac. | Ich brauche keine Tüte. | Non ho bisogno di un sacchetto. | Não preciso de sacola.
I would like to open a bank account. | Quisiera abrir una cuenta bancaria. | Je voudrais ouvrir un compte bancaire. | Ich möchte ein Bankkonto eröffnen. | Vorrei aprire un conto in banca. | Eu gostaria de abrir uma conta bancária.
# health
I need a doctor. | Necesito un médico. | J'ai besoin d'un médecin. | Ich brauche einen Arzt. | Ho bisogno di un medico. | Preciso de um médico.
Call an ambulance! | ¡Llame a una ambulancia! | Appelez une ambulance ! | Rufen Sie einen Krankenwagen! | Chiami un'ambulanza! | Chame uma ambulância!
Call the police! | ¡Llame a la policía! | Appelez la police ! | Rufen Sie die Polizei! | Chiami la polizia! | Chame a polícia!
Help! | ¡Socorro! | Au secours ! | Hilfe! | Aiuto! | Socorro!
I have a headache. | Me duele la cabeza. | J'ai mal à la tête. | Ich habe Kopfschmerzen. | Ho mal di testa. | Estou com dor de cabeça.
I have a stomach ache. | Me duele el estómago. | J'ai mal au ventre. | Ich habe Bauchschmerzen. | Ho mal di stomaco. | Estou com dor de estômago.
I have a toothache. | Me duele una muela. | J'ai mal aux dents. | Ich habe Zahnschmerzen. | Ho mal di denti. | Estou com dor de dente.
I have a fever. | Tengo fiebre. | J'ai de la fièvre. | Ich habe Fieber. | Ho la febbre. | Estou com febre.
I feel sick. | Me encuentro mal. | Je me sens mal. | Mir ist schlecht. | Mi sento male. | Estou me sentindo mal.
I feel better. | Me encuentro mejor. | Je me sens mieux. | Mir geht es besser. | Mi sento meglio. | Estou me sentindo melhor.
Where is the hospital? | ¿Dónde está el hospital? | Où est l'hôpital ? | Wo ist das Krankenhaus? | Dov'è l'ospedale? | Onde fica o hospital?
Where is the nearest pharmacy? | ¿Dónde está la farmacia más cercana? | Où est la pharmacie la plus proche ? | Wo ist die nächste Apotheke? | Dov'è la farmacia più vicina? | Onde fica a farmácia mais próxima?
Is there a pharmacy open now? | ¿Hay alguna farmacia abierta ahora? | Y a-t-il une pharmacie ouverte maintenant ? | Gibt es jetzt eine geöffnete Apotheke? | C'è una farmacia aperta adesso? | Tem alguma farmácia aberta agora?
I need to see a dentist. | Necesito ver a un dentista. | Je dois voir un dentiste. | Ich muss zum Zahnarzt. | Devo andare dal dentista. | Preciso ir ao dentista.
I take this medicine every day. | Tomo este medicamento todos los días. | Je prends ce médicament tous les jours. | Ich nehme dieses Medikament jeden Tag. | Prendo questa medicina ogni giorno. | Tomo este remédio todos os dias.
I am tired. | Estoy cansado. | Je suis fatigué. | Ich bin müde. | Sono stanco. | Estou cansado.
I am hungry. | Tengo hambre. | J'ai faim. | Ich habe Hunger. | Ho fame. | Estou com fome.
I am thirsty. | Tengo sed. | J'ai soif. | Ich habe Durst. | Ho sete. | Estou com sede.
I am not hungry. | No tengo hambre. | Je n'ai pas faim. | Ich habe keinen Hunger. | Non ho fame. | Não estou com fome.
Be careful! | ¡Ten cuidado! | Fais attention ! | Pass auf! | Stai attento! | Cuidado!
# daily
What time is it? | ¿Qué hora es? | Quelle heure est-il ? | Wie spät ist es? | Che ore sono? | Que horas são?
It is hot today. | Hoy hace calor. | Il fait chaud aujourd'hui. | Heute ist es heiß. | Oggi fa caldo. | Hoje faz calor.
It is cold today. | Hoy hace frío. | Il fait froid aujourd'hui. | Heute ist es kalt. | Oggi fa freddo. | Hoje faz frio.
It is raining. | Está lloviendo. | Il pleut. | Es regnet. | Sta piovendo. | Está chovendo.
It is snowing. | Está nevando. | Il neige. | Es schneit. | Sta nevicando. | Está nevando.
The weather is nice today. | Hoy hace buen tiempo. | Il fait beau aujourd'hui. | Heute ist schönes Wetter. | Oggi fa bel tempo. | O tempo está bom hoje.
The weather is bad today. | Hoy hace mal tiempo. | Il fait mauvais aujourd'hui. | Heute ist schlechtes Wetter. | Oggi fa brutto tempo. | O tempo está ruim hoje.
I am in a hurry. | Tengo prisa. | Je suis pressé. | Ich habe es eilig. | Ho fretta. | Estou com pressa.
Wait a moment, please. | Espere un momento, por favor. | Attendez un instant, s'il vous plaît. | Warten Sie bitte einen Moment. | Aspetti un momento, per favore. | Espere um momento, por favor.
Where are you from? | ¿De dónde es usted? | D'où venez-vous ? | Woher kommen Sie? | Di dov'è? | De onde você é?
I am from Canada. | Soy de Canadá. | Je viens du Canada. | Ich komme aus Kanada. | Vengo dal Canada. | Sou do Canadá.
I live in the city centre. | Vivo en el centro de la ciudad. | J'habite au centre-ville. | Ich wohne in der Innenstadt. | Abito in centro. | Moro no centro da cidade.
I have two children. | Tengo dos hijos. | J'ai deux enfants. | Ich habe zwei Kinder. | Ho due figli. | Tenho dois filhos.
I have three children. | Tengo tres hijos. | J'ai trois enfants. | Ich habe drei Kinder. | Ho tre figli. | Tenho três filhos.
I like coffee. | Me gusta el café. | J'aime le café. | Ich mag Kaffee. | Mi piace il caffè. | Eu gosto de café.
I don't like coffee. | No me gusta el café. | Je n'aime pas le café. | Ich mag keinen Kaffee. | Non mi piace il caffè. | Eu não gosto de café.
I love this city. | Me encanta esta ciudad. | J'adore cette ville. | Ich liebe diese Stadt. | Adoro questa città. | Eu amo esta cidade.
What do you do for a living? | ¿A qué se dedica? | Que faites-vous dans la vie ? | Was machen Sie beruflich? | Che lavoro fa? | Em que você trabalha?
I work as a teacher. | Trabajo de profesor. | Je suis professeur. | Ich arbeite als Lehrer. | Faccio l'insegnante. | Trabalho como professor.
I am a student. | Soy estudiante. | Je suis étudiant. | Ich bin Student. | Sono uno studente. | Sou estudante.
I'm looking for a job. | Estoy buscando trabajo. | Je cherche du travail. | Ich suche Arbeit. | Sto cercando lavoro. | Estou procurando emprego.
Let's go! | ¡Vamos! | Allons-y ! | Los geht's! | Andiamo! | Vamos!
That sounds like a good idea. | Me parece una buena idea. | Ça me semble une bonne idée. | Das klingt nach einer guten Idee. | Mi sembra una buona idea. | Parece uma boa ideia.
I agree. | Estoy de acuerdo. | Je suis d'accord. | Ich bin einverstanden. | Sono d'accordo. | Concordo.
I don't agree. | No estoy de acuerdo. | Je ne suis pas d'accord. | Ich bin nicht einverstanden. | Non sono d'accordo. | Não concordo.
Wait for me here. | Espéreme aquí. | Attendez-moi ici. | Warten Sie hier auf mich. | Mi aspetti qui. | Espere por mim aqui.
I will call you later. | Te llamo más tarde. | Je t'appelle plus tard. | Ich rufe dich später an. | Ti chiamo più tardi. | Eu te ligo mais tarde.
Send me a message. | Mándame un mensaje. | Envoie-moi un message. | Schick mir eine Nachricht. | Mandami un messaggio. | Me manda uma mensagem.
The door is locked. | La puerta está cerrada con llave. | La porte est fermée à clé. | Die Tür ist abgeschlossen. | La porta è chiusa a chiave. | A porta está trancada.
The door is open. | La puerta está abierta. | La porte est ouverte. | Die Tür ist offen. | La porta è aperta. | A porta está aberta.
Please close the window. | Por favor, cierre la ventana. | Fermez la fenêtre, s'il vous plaît. | Bitte schließen Sie das Fenster. | Per favore, chiuda la finestra. | Por favor, feche a janela.
Please open the window. | Por favor, abra la ventana. | Ouvrez la fenêtre, s'il vous plaît. | Bitte öffnen Sie das Fenster. | Per favore, apra la finestra. | Por favor, abra a janela.
I forgot my keys. | Olvidé mis llaves. | J'ai oublié mes clés. | Ich habe meine Schlüssel vergessen. | Ho dimenticato le chiavi. | Esqueci minhas chaves.
The children are at school. | Los niños están en el colegio. | Les enfants sont à l'école. | Die Kinder sind in der Schule. | I bambini sono a scuola. | As crianças estão na escola.
# work
I am working from home today. | Hoy trabajo desde casa. | Je télétravaille aujourd'hui. | Ich arbeite heute von zu Hause. | Oggi lavoro da casa. | Hoje estou trabalhando de casa.
The meeting is on Monday. | La reunión es el lunes. | La réunion est lundi. | Die Besprechung ist am Montag. | La riunione è lunedì. | A reunião é na segunda-feira.
The meeting is on Friday. | La reunión es el viernes. | La réunion est vendredi. | Die Besprechung ist am Freitag. | La riunione è venerdì. | A reunião é na sexta-feira.
The meeting has been postponed. | La reunión se ha aplazado. | La réunion a été reportée. | Die Besprechung wurde verschoben. | La riunione è stata rinviata. | A reunião foi adiada.
The meeting has been cancelled. | La reunión se ha cancelado. | La réunion a été annulée. | Die Besprechung wurde abgesagt. | La riunione è stata annullata. | A reunião foi cancelada.
I will send you the report tomorrow. | Le enviaré el informe mañana. | Je vous enverrai le rapport demain. | Ich schicke Ihnen den Bericht morgen. | Le manderò il rapporto domani. | Vou te enviar o relatório amanhã.
I will send you the report today. | Le enviaré el informe hoy. | Je vous enverrai le rapport aujourd'hui. | Ich schicke Ihnen den Bericht heute. | Le manderò il rapporto oggi. | Vou te enviar o relatório hoje.
Thank you for your help. | Gracias por su ayuda. | Merci de votre aide. | Danke für Ihre Hilfe. | Grazie per il Suo aiuto. | Obrigado pela sua ajuda.
I am running late. | Llego tarde. | Je suis en retard. | Ich bin spät dran. | Sono in ritardo. | Estou atrasado.
Can we reschedule? | ¿Podemos cambiar la fecha? | Pouvons-nous reporter ? | Können wir den Termin verschieben? | Possiamo spostare l'appuntamento? | Podemos remarcar?
The printer is not working. | La impresora no funciona. | L'imprimante ne fonctionne pas. | Der Drucker funktioniert nicht. | La stampante non funziona. | A impressora não está funcionando.
The office is closed on Sunday. | La oficina está cerrada el domingo. | Le bureau est fermé le dimanche. | Das Büro ist am Sonntag geschlossen. | L'ufficio è chiuso la domenica. | O escritório fica fechado no domingo.
The office is open on Sunday. | La oficina está abierta el domingo. | Le bureau est ouvert le dimanche. | Das Büro ist am Sonntag geöffnet. | L'ufficio è aperto la domenica. | O escritório fica aberto no domingo.
I have a question. | Tengo una pregunta. | J'ai une question. | Ich habe eine Frage. | Ho una domanda. | Tenho uma pergunta.
"""

# (phrase, twin, kind): twins differ by a negation or by a single key word.
_TWIN_SPECS = """\
I understand. | I don't understand. | negation flip
I know. | I don't know. | negation flip
I need a bag. | I don't need a bag. | negation flip
I like coffee. | I don't like coffee. | negation flip
I agree. | I don't agree. | negation flip
I am hungry. | I am not hungry. | negation flip
The office is closed on Sunday. | The office is open on Sunday. | swapped key word
Turn left. | Turn right. | swapped key word
A one-way ticket, please. | A return ticket, please. | swapped key word
What time does the train leave? | What time does the train arrive? | swapped key word
The train is late. | The train is on time. | swapped key word
Where is the exit? | Where is the entrance? | swapped key word
The air conditioning does not work. | The heating does not work. | swapped key word
The room is too hot. | The room is too cold. | swapped key word
A table for two, please. | A table for four, please. | swapped key word
I am allergic to nuts. | I am allergic to eggs. | swapped key word
Does this dish contain meat? | Does this dish contain fish? | swapped key word
I would like a glass of water. | I would like a glass of wine. | swapped key word
A coffee with milk, please. | A black coffee, please. | swapped key word
Can I pay by card? | Can I pay in cash? | swapped key word
Without sugar, please. | No ice, please. | swapped key word
Dinner is ready. | Breakfast is ready. | swapped key word
It is too expensive. | It is very cheap. | swapped key word
Do you have this in a larger size? | Do you have this in a smaller size? | swapped key word
The shop is open. | The shop is closed. | swapped key word
What time do you close? | What time do you open? | swapped key word
Call an ambulance! | Call the police! | swapped key word
I have a headache. | I have a stomach ache. | swapped key word
I have a headache. | I have a toothache. | swapped key word
I feel sick. | I feel better. | swapped key word
I am hungry. | I am thirsty. | swapped key word
It is hot today. | It is cold today. | swapped key word
It is raining. | It is snowing. | swapped key word
The weather is nice today. | The weather is bad today. | swapped key word
I have two children. | I have three children. | swapped key word
The door is locked. | The door is open. | swapped key word
Please close the window. | Please open the window. | swapped key word
The meeting is on Monday. | The meeting is on Friday. | swapped key word
The meeting has been postponed. | The meeting has been cancelled. | swapped key word
I will send you the report tomorrow. | I will send you the report today. | swapped key word
See you tomorrow. | See you next week. | swapped key word
Good morning. | Good night. | swapped key word
Happy New Year! | Merry Christmas! | swapped key word
"""


def _parse() -> tuple[list[tuple[str, ...]], list[str]]:
    """Rows as (English, *translations) and the section of each row."""
    rows: list[tuple[str, ...]] = []
    sections: list[str] = []
    section = ""
    for line in _TABLE.splitlines():
        if line.startswith("#"):
            section = line[1:].strip()
            continue
        cells = tuple(cell.strip() for cell in line.split("|"))
        if len(cells) != 1 + len(LANGUAGES):
            raise ValueError(f"bad phrase-table row: {line!r}")
        rows.append(cells)
        sections.append(section)
    return rows, sections


PHRASES, SECTIONS = _parse()
_INDEX = {row[0]: i for i, row in enumerate(PHRASES)}

# TWINS[i] lists (j, kind) for every phrase j that is phrase i with one meaning flipped.
TWINS: list[list[tuple[int, str]]] = [[] for _ in PHRASES]
for _spec in _TWIN_SPECS.splitlines():
    _a, _b, _kind = (part.strip() for part in _spec.split("|"))
    TWINS[_INDEX[_a]].append((_INDEX[_b], _kind))
    TWINS[_INDEX[_b]].append((_INDEX[_a], _kind))
